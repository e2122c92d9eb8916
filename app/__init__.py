"""The page's pieces (the only code that imports streamlit besides streamlit_app.py):
session start from the link, the sidebar, the page context every view receives, and one
module per view in `views/`."""
