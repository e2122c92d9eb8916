"""An encoder-decoder over characters, with or without attention: the network, its
seeded initialisation, training with teacher forcing, greedy decoding and the two
accuracies. Only torch and the standard library: the exported script ships this file as
it is (`translate/codegen.py`), so the script trains exactly what the page trains.

The encoder (an RNN, LSTM or GRU, one layer, reading the source both ways as Bahdanau
et al. did) writes an annotation of each source character, [forward h_j; backward h_j]:
the one place both directions have just read that character. A linear map of both
directions' last states starts the decoder (a cell of the same kind), which writes the
target one character at a time, each step fed the character before it (teacher forcing
while training: the true one; greedy decoding: its own likeliest).

Attention is **additive (Bahdanau et al. 2015)**: before writing step t the decoder
scores every source position j by e_tj = v · tanh(W s_(t-1) + U h_j) from its previous
state s_(t-1) and the annotation h_j, takes the softmax over the source (padding
masked), a_tj, and reads the context c_t = Σ_j a_tj h_j. The step's input is the
previous character's vector joined with c_t, and the next character's logits come from
[s_t; c_t]. Without attention the decoder sees the source only through the state it
starts from: one fixed vector of H numbers, whatever the length. (A one-way encoder
did as well on dates, but its attention peaked a character late in ~15 % of digits.)

Shapes: B pairs in a batch, S source characters, T target characters (+1: EOS),
H hidden units, E the size of a character's vector, V a vocabulary's size.
"""

import itertools
import math
from collections import Counter
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD, BOS, EOS, UNK = 0, 1, 2, 3  # ids every vocabulary starts with
SPECIALS = ("<pad>", "<s>", "</s>", "<unk>")
EMBED_SIZE = 32  # size of each character's learned vector
BATCH_SIZE = 64  # pairs per Adam step
CLIP_GRAD = 1.0  # largest gradient norm per step
BUCKET_BATCHES = 16  # batches drawn together, then sorted by target length (`bucketed`)
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
STEP_CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}

# on_epoch(epoch, train_loss, held_out_loss): once per epoch, from 1, in order.
EpochCallback = Callable[[int, float, float], None]
Data = tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # src, decoder input, target: `tensors`


# ---- Characters and ids -------------------------------------------------------------
def vocabulary(texts: list[str], most: int = 0) -> list[str]:
    """SPECIALS then the characters of `texts`, most frequent first (ties by code
    point); with `most` > 0 at most that many characters (the rest read as UNK)."""
    counts = Counter(c for text in texts for c in text)
    chars = sorted(counts, key=lambda c: (-counts[c], c))
    return [*SPECIALS, *(chars[:most] if most > 0 else chars)]


def encode(text: str, vocab: list[str]) -> list[int]:
    """Ids of `text`'s characters; a character not in `vocab` is UNK."""
    index = {c: i for i, c in enumerate(vocab)}
    return [index.get(c, UNK) for c in text]


def decode(ids: list[int], vocab: list[str]) -> str:
    """The characters of `ids` up to the first EOS (special ids other than UNK dropped;
    UNK written as U+FFFD)."""
    kept = itertools.takewhile(lambda i: i != EOS, ids)
    return "".join("\ufffd" if i == UNK else vocab[i] if i > UNK else "" for i in kept)


def pad(rows: list[list[int]], end: int | None = None) -> torch.Tensor:
    """(B, L) int64 of `rows` padded with PAD to the longest; `end` appended to each."""
    rows = [r + [end] for r in rows] if end is not None else rows
    length = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (length - len(r)) for r in rows], dtype=torch.int64)


# ---- The network --------------------------------------------------------------------
class Seq2Seq(nn.Module):
    """Encoder and decoder of one cell kind, with or without additive attention."""

    def __init__(
        self, cell: str, src_size: int, tgt_size: int, hidden_size: int, attention: bool
    ) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose from {sorted(CELLS)}")
        self.cell, self.attention, H = cell, attention, hidden_size
        context = 2 * H if attention else 0  # an annotation: [forward h_j; backward h_j]
        self.src_embed = nn.Embedding(src_size, EMBED_SIZE)
        self.encoder = CELLS[cell](EMBED_SIZE, H, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * H, H)  # both directions' last states -> the first state
        self.tgt_embed = nn.Embedding(tgt_size, EMBED_SIZE)
        self.decoder = STEP_CELLS[cell](EMBED_SIZE + context, H)
        if attention:
            self.query = nn.Linear(H, H, bias=False)  # W: the decoder's state
            self.key = nn.Linear(2 * H, H)  # U: each source position's annotation
            self.score = nn.Linear(H, 1, bias=False)  # v
        self.head = nn.Linear(H + context, tgt_size)

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, object]:
        """src (B, S) ids, PAD after each source -> annotations (B, S, 2H): each
        position's forward and backward encoder outputs, the mask of real positions
        (B, S) and the decoder's first state tanh(bridge([forward last; backward last]))
        (B, H) (for the LSTM with a zero cell state)."""
        mask = src != PAD
        x = self.src_embed(src)  # (B, S, E)
        packed = nn.utils.rnn.pack_padded_sequence(
            x, mask.sum(1), batch_first=True, enforce_sorted=False
        )
        out, last = self.encoder(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        h = last[0] if self.cell == "lstm" else last  # (2, B, H): forward, backward
        h0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1)))  # (B, H)
        state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
        return out, mask, state

    def attend(self, keys: Tensor, out: Tensor, mask: Tensor, h: Tensor) -> tuple[Tensor, Tensor]:
        """Additive attention from the decoder state h (B, H) over the annotations
        out (B, S, 2H): the context (B, 2H) and the weights (B, S), which sum to 1 over
        real positions."""
        e = self.score(torch.tanh(keys + self.query(h).unsqueeze(1))).squeeze(2)  # (B, S)
        a = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=1)  # (B, S)
        return torch.bmm(a.unsqueeze(1), out).squeeze(1), a  # (B, H), (B, S)

    def step(self, y: torch.Tensor, state: object, memory: tuple) -> tuple:
        """One decoder step from the previous characters y (B,): (logits (B, V), the new
        state, attention weights (B, S) or None)."""
        keys, out, mask = memory
        h = state[0] if self.cell == "lstm" else state
        x = self.tgt_embed(y)  # (B, E)
        a = None
        if self.attention:
            context, a = self.attend(keys, out, mask, h)
            x = torch.cat([x, context], dim=1)  # (B, E + 2H)
        state = self.decoder(x, state)
        h = state[0] if self.cell == "lstm" else state
        feats = torch.cat([h, context], dim=1) if self.attention else h
        return self.head(feats), state, a

    def memory(self, src: torch.Tensor) -> tuple[tuple, object]:
        """What every decoder step reads (keys, outputs, mask) and the first state."""
        out, mask, state = self.encode(src)
        keys = self.key(out) if self.attention else None  # (B, S, H)
        return (keys, out, mask), state

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: src (B, S), tgt_in (B, T) = BOS + target -> logits
        (B, T, V) of each next character."""
        memory, state = self.memory(src)
        logits = []
        for t in range(tgt_in.shape[1]):
            step_logits, state, _ = self.step(tgt_in[:, t], state, memory)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)


def init_seq2seq(
    cell: str, src_size: int, tgt_size: int, hidden_size: int, attention: bool, seed: int
) -> Seq2Seq:
    """The untrained network, every weight drawn from a generator seeded with `seed`
    (PyTorch's default distributions: N(0, 1) embeddings, U(±1/√H) cells,
    U(±1/√fan_in) linear layers), none from the global RNG."""
    gen = torch.Generator().manual_seed(seed)
    with torch.device("meta"):
        net = Seq2Seq(cell, src_size, tgt_size, hidden_size, attention)
    net = net.to_empty(device="cpu")
    with torch.no_grad():
        for module in net.children():  # in the order __init__ made them
            if isinstance(module, nn.Embedding):
                module.weight.normal_(0.0, 1.0, generator=gen)
                continue
            fan_in = module.in_features if isinstance(module, nn.Linear) else hidden_size
            for p in module.parameters():
                p.uniform_(-1.0 / math.sqrt(fan_in), 1.0 / math.sqrt(fan_in), generator=gen)
    return net


# ---- Training ------------------------------------------------------------------------
def tensors(pairs: list[tuple[str, str]], src_vocab: list[str], tgt_vocab: list[str]) -> Data:
    """src (N, S), decoder input (N, T) = BOS + target, decoder target (N, T) =
    target + EOS; PAD after each."""
    src = pad([encode(s, src_vocab) for s, _ in pairs])
    tgt = [encode(t, tgt_vocab) for _, t in pairs]
    return src, pad([[BOS] + r for r in tgt]), pad(tgt, end=EOS)


def batch_loss(net: Seq2Seq, src: torch.Tensor, tin: torch.Tensor, tout: torch.Tensor):
    """Mean cross-entropy (nats) per target character of one batch, PAD ignored. The
    batch is cut to its own longest source and target first."""
    s_len, t_len = int((src != PAD).sum(1).max()), int((tout != PAD).sum(1).max())
    logits = net(src[:, :s_len], tin[:, :t_len])  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tout[:, :t_len].flatten(), ignore_index=PAD)


def mean_loss(net: Seq2Seq, data: Data) -> float:
    """Mean cross-entropy per target character over `data`, in batches of BATCH_SIZE."""
    src, tin, tout = data
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(src), BATCH_SIZE):
            part = slice(start, start + BATCH_SIZE)
            n = int((tout[part] != PAD).sum())
            total += batch_loss(net, src[part], tin[part], tout[part]).item() * n
            count += n
    return total / count


def bucketed(order: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """`order` with each run of BUCKET_BATCHES batches sorted by target length, stably
    (dates, all of one length, keep it): a batch's decoder runs few steps past its ends."""
    size = BUCKET_BATCHES * BATCH_SIZE
    parts = []
    for start in range(0, len(order), size):
        part = order[start : start + size]
        parts.append(part[torch.sort(lengths[part], stable=True).indices])
    return torch.cat(parts)


def fit(
    net: Seq2Seq, train: Data, held_out: Data, epochs: int, learning_rate: float, seed: int,
    on_epoch: EpochCallback | None = None
) -> list[tuple[int, str, float]]:  # fmt: skip
    """Train with Adam and teacher forcing, BATCH_SIZE pairs a step in an order drawn
    from a generator seeded by `seed`, gradients clipped to CLIP_GRAD. Returns rows
    (epoch, split, loss), loss the mean cross-entropy per character (nats): held-out
    scored after each epoch, train the mean over the epoch's steps as it trained;
    epoch 0 scores the untrained net. Stops early if a loss stops being finite. Leaves
    `net` in eval mode."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate)
    src, tin, tout = train
    net.eval()
    rows = [(0, "train", mean_loss(net, train)), (0, "held_out", mean_loss(net, held_out))]
    for epoch in range(1, epochs + 1):
        net.train()
        order = bucketed(torch.randperm(len(src), generator=gen), (tout != PAD).sum(1))
        total, count = 0.0, 0
        for start in range(0, len(src), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            loss = batch_loss(net, src[batch], tin[batch], tout[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), CLIP_GRAD)
            opt.step()
            n = int((tout[batch] != PAD).sum())
            total, count = total + loss.item() * n, count + n
        net.eval()
        tr, te = total / count, mean_loss(net, held_out)
        rows += [(epoch, "train", tr), (epoch, "held_out", te)]
        if not (math.isfinite(tr) and math.isfinite(te)):
            break
        if on_epoch is not None:
            on_epoch(epoch, tr, te)
    return rows


# ---- Decoding and scoring ------------------------------------------------------------
def greedy(net: Seq2Seq, src: Tensor, max_len: int) -> tuple[Tensor, Tensor, Tensor]:
    """Greedy decoding of src (B, S): ids (B, T) (EOS then anything), log probabilities
    (B, T, V) and attention weights (B, T, S) (zeros without attention) of each step;
    T <= max_len: it stops once every row has written EOS."""
    B, S = src.shape
    with torch.inference_mode():
        memory, state = net.memory(src)
        y = torch.full((B,), BOS, dtype=torch.int64)
        ids, logps, weights = [], [], []
        done = torch.zeros(B, dtype=torch.bool)
        for _ in range(max_len):
            logits, state, a = net.step(y, state, memory)
            y = logits.argmax(1)
            ids.append(y)
            logps.append(torch.log_softmax(logits, dim=1))
            weights.append(a if a is not None else torch.zeros(B, S))
            done |= y == EOS
            if bool(done.all()):
                break
        return torch.stack(ids, 1), torch.stack(logps, 1), torch.stack(weights, 1)


def translate_all(
    net: Seq2Seq, sources: list[str], src_vocab: list[str], tgt_vocab: list[str], max_len: int
) -> list[str]:
    """The greedy translation of every source, in batches of BATCH_SIZE."""
    out: list[str] = []
    for start in range(0, len(sources), BATCH_SIZE):
        src = pad([encode(s, src_vocab) or [UNK] for s in sources[start : start + BATCH_SIZE]])
        ids, _, _ = greedy(net, src, max_len)
        out += [decode(row, tgt_vocab) for row in ids.tolist()]
    return out


def accuracies(outputs: list[str], targets: list[str]) -> tuple[float, float]:
    """(exact, char): the share of outputs equal to their target, and the share of
    target characters matched at their own position (a missing character is wrong;
    extra characters are not counted)."""
    exact = sum(o == t for o, t in zip(outputs, targets, strict=True)) / len(targets)
    right = sum(sum(a == b for a, b in zip(o, t)) for o, t in zip(outputs, targets, strict=True))
    return exact, right / sum(len(t) for t in targets)
