#!/usr/bin/env python3
"""Reference fixture for the whole model, in the style of llm.c's test_gpt2.c.

This script defines Listen-Attend-Spell with a CTC head a second time, in PyTorch, from the
equations alone (Chan et al. 2016; Chorowski et al. 2015; Graves et al. 2006), without reading
any Swift code: each utterance runs on its own at its true length, in float64, and autograd
takes every gradient. It builds a small model with fixed random weights, runs one batch of two
utterances through it and writes

    Tests/LASKitTests/Fixtures/model-reference/reference.safetensors

holding, as float32:
    param/NAME       every weight, under LASKit's parameter names
    grad/NAME        d loss / d weight
    input/features   [T, B, D], time-major, zero-padded; input/lengths [B]
    input/targets.b  utterance b's character ids
    output/encoder.b [T'_b, 2H], the listener's output for utterance b
    output/logits.b  [n_b + 1, V], the speller's teacher-forced logits (targets + <eos>)
    output/loss, output/attention_loss, output/ctc_loss  (scalars)
and the model configuration as the metadata entry "config" (LASConfig's JSON keys).

ModelReferenceTests loads it into LASKit's model and compares every tensor. Finite
differences (GradientCheck.swift) prove that backward matches forward; only this proves that
forward is the intended model.

Run: python3 tools/make_model_reference_fixture.py   (needs torch, numpy and safetensors)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LASKitTests", "Fixtures", "model-reference", "reference.safetensors")

CONFIG = {
    "inputSize": 6, "encoderHidden": 4, "encoderLayers": 3, "embeddingSize": 3, "decoderHidden": 5,
    "attention": "location", "attentionSize": 6, "attentionChannels": 2, "attentionKernel": 3,
    "vocabularySize": 7, "labelSmoothing": 0.1, "dropout": 0.0, "ctcWeight": 0.3,
}
PAD, SOS, EOS = 0, 1, 1          # id 0 is padding and the CTC blank; 1 starts and ends a sentence
LENGTHS = [21, 14]               # feature frames: listener outputs 5 and 3 frames (pyramid 1, 2, 2)
TARGETS = [[2, 3, 3, 4], [5, 6]] # the repeated 3 needs a blank between, so exactly 5 CTC frames


def parameters(gen):
    """name -> float64 tensor, LASKit's names and PyTorch's [out, in] layouts."""
    c = CONFIG
    D, H, L = c["inputSize"], c["encoderHidden"], c["encoderLayers"]
    E, Emb, Hd, A = 2 * H, c["embeddingSize"], c["decoderHidden"], c["attentionSize"]
    C, K, V = c["attentionChannels"], c["attentionKernel"], c["vocabularySize"]

    def uniform(*shape):
        return (torch.rand(*shape, generator=gen, dtype=torch.float64) * 2 - 1) * 0.5

    p = {}
    for l in range(L):
        width = D if l == 0 else 2 * E   # layers after the first read pairs of frames
        for direction in ("forward", "backward"):
            name = f"listener.{l}.{direction}"
            p[name + ".weight_ih"] = uniform(4 * H, width)
            p[name + ".weight_hh"] = uniform(4 * H, H)
            p[name + ".bias"] = uniform(4 * H)
    p["speller.embedding.weight"] = torch.randn(V, Emb, generator=gen, dtype=torch.float64)
    p["speller.cell.input.weight"] = uniform(4 * Hd, Emb + E)
    p["speller.cell.input.bias"] = uniform(4 * Hd)
    p["speller.cell.recurrent.weight"] = uniform(4 * Hd, Hd)
    p["speller.attention.W.weight"] = uniform(A, Hd)
    p["speller.attention.W.bias"] = uniform(A)
    p["speller.attention.V.weight"] = uniform(A, E)
    p["speller.attention.conv.weight"] = uniform(C, K) * 4   # large enough that location matters
    p["speller.attention.U.weight"] = uniform(A, C)
    p["speller.attention.w.weight"] = uniform(A) * 4
    p["speller.output.weight"] = uniform(V, Hd + E)
    p["speller.output.bias"] = uniform(V)
    p["ctc.weight"] = uniform(V, E)
    p["ctc.bias"] = uniform(V)
    return p


def lstm(x, w_ih, w_hh, b):
    """[i f g o] = W_ih x_t + W_hh h_{t-1} + b; c_t = σ(f) c_{t-1} + σ(i) tanh(g); h_t = σ(o) tanh(c_t)."""
    H = w_hh.shape[1]
    h = x.new_zeros(H)
    c = x.new_zeros(H)
    out = []
    for t in range(x.shape[0]):
        i, f, g, o = (w_ih @ x[t] + w_hh @ h + b).split(H)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        out.append(h)
    return torch.stack(out)


def listener(x, p):
    """Bidirectional LSTMs; before every layer but the first, frame pairs are concatenated."""
    for l in range(CONFIG["encoderLayers"]):
        if l > 0:
            half = x.shape[0] // 2
            x = x[: 2 * half].reshape(half, 2 * x.shape[1])
        name = f"listener.{l}"
        fwd = lstm(x, p[name + ".forward.weight_ih"], p[name + ".forward.weight_hh"], p[name + ".forward.bias"])
        bwd = lstm(x.flip(0), p[name + ".backward.weight_ih"], p[name + ".backward.weight_hh"],
                   p[name + ".backward.bias"]).flip(0)
        x = torch.cat([fwd, bwd], dim=1)
    return x


def speller(h, inputs, p):
    """Teacher forcing: s_i = LSTMCell([emb(y_{i-1}); c_{i-1}], s_{i-1}); location-aware attention
    e_ij = wᵀ tanh(W s_i + b + V h_j + U f_ij), f_i = conv(α_{i-1}); logits_i = W_o [s_i; c_i] + b_o."""
    T, E = h.shape
    Hd, K = CONFIG["decoderHidden"], CONFIG["attentionKernel"]
    keys = h @ p["speller.attention.V.weight"].T
    alpha = h.new_full((T,), 1.0 / T)   # α_0 uniform over the frames
    context = h.new_zeros(E)
    s = h.new_zeros(Hd)
    cell = h.new_zeros(Hd)
    logits = []
    for y in inputs:
        x = torch.cat([p["speller.embedding.weight"][y], context])
        z = p["speller.cell.input.weight"] @ x + p["speller.cell.input.bias"] + p["speller.cell.recurrent.weight"] @ s
        i, f, g, o = z.split(Hd)
        cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
        s = torch.sigmoid(o) * torch.tanh(cell)
        location = F.conv1d(alpha.view(1, 1, T), p["speller.attention.conv.weight"].unsqueeze(1), padding=K // 2)[0]
        energies = torch.tanh(p["speller.attention.W.weight"] @ s + p["speller.attention.W.bias"] + keys
                              + location.T @ p["speller.attention.U.weight"].T) @ p["speller.attention.w.weight"]
        alpha = torch.softmax(energies, dim=0)
        context = alpha @ h
        logits.append(p["speller.output.weight"] @ torch.cat([s, context]) + p["speller.output.bias"])
    return torch.stack(logits)


def smoothed_cross_entropy(logits, targets, eps):
    """−(1 − ε) log p_y − (ε / V) Σ_c log p_c, summed over the steps."""
    logp = torch.log_softmax(logits, dim=1)
    return -((1 - eps) * logp.gather(1, targets.view(-1, 1)).sum() + eps / logits.shape[1] * logp.sum())


def main():
    gen = torch.Generator().manual_seed(20261203)
    p = {k: v.requires_grad_() for k, v in parameters(gen).items()}
    D, B, T = CONFIG["inputSize"], len(LENGTHS), max(LENGTHS)
    features = torch.zeros(T, B, D, dtype=torch.float64)
    for b, n in enumerate(LENGTHS):
        features[:n, b] = torch.randn(n, D, generator=gen, dtype=torch.float64)

    encoders, logits, ce, ctc = [], [], 0.0, 0.0
    for b, n in enumerate(LENGTHS):
        h = listener(features[:n, b], p)
        y = TARGETS[b]
        z = speller(h, [SOS] + y, p)
        ce = ce + smoothed_cross_entropy(z, torch.tensor(y + [EOS]), CONFIG["labelSmoothing"])
        ctc_logp = torch.log_softmax(h @ p["ctc.weight"].T + p["ctc.bias"], dim=1)
        ctc = ctc + F.ctc_loss(ctc_logp.unsqueeze(1), torch.tensor([y]), [h.shape[0]], [len(y)],
                               blank=PAD, reduction="sum")
        encoders.append(h)
        logits.append(z)
    ce, ctc = ce / B, ctc / B   # a per-utterance loss: summed over tokens, divided by the batch
    lam = CONFIG["ctcWeight"]
    loss = (1 - lam) * ce + lam * ctc
    loss.backward()

    f32 = lambda t: np.ascontiguousarray(t.detach().numpy().astype(np.float32))
    out = {}
    for name, value in p.items():
        out["param/" + name] = f32(value)
        out["grad/" + name] = f32(value.grad)
    out["input/features"] = f32(features)
    out["input/lengths"] = np.array(LENGTHS, dtype=np.float32)
    for b in range(B):
        out[f"input/targets.{b}"] = np.array(TARGETS[b], dtype=np.float32)
        out[f"output/encoder.{b}"] = f32(encoders[b])
        out[f"output/logits.{b}"] = f32(logits[b])
    out["output/loss"] = f32(loss)
    out["output/attention_loss"] = f32(ce)
    out["output/ctc_loss"] = f32(ctc)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_file(out, OUT, metadata={"config": json.dumps(CONFIG, sort_keys=True)})
    print(f"wrote {os.path.relpath(OUT)}: loss {loss.item():.6f} (attention {ce.item():.6f}, CTC {ctc.item():.6f}), "
          f"{len(p)} parameters")


if __name__ == "__main__":
    main()
