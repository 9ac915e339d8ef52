"""The whole MusicVAE-style model in one file.

Encoder: token embedding -> bidirectional LSTM -> final states -> Gaussian latent (mu, sigma).
With ``encoder="hierarchical"`` a bidirectional LSTM first summarises each bar (all bars in one
batch) and a second one runs over the bar summaries.

Decoders (chosen by ``ModelConfig.decoder``):

* ``flat``: one autoregressive LSTM over all steps, conditioned on z (MusicVAE's 2-bar model).
* ``hierarchical``: a "conductor" LSTM turns z into one embedding per bar; a bar-decoder LSTM
  generates each bar's 16 steps from that embedding. Unlike MusicVAE, every bar starts from the
  same START token instead of the previous bar's last token, so bars are conditionally
  independent given z: all bars decode as one batch, and a 16-bar melody costs 16 sequential
  LSTM steps instead of 256 (the reason live latent dragging is possible on a laptop CPU).

Loss: summed per-step cross-entropy + beta * max(KL - free_nats, 0) (free bits), with optional
"parallel" scheduled sampling: a no-grad teacher-forced pass predicts every step, and a random
share of the decoder inputs is replaced by those predictions for the gradient pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig


@dataclass
class VAEOutput:
    logits: torch.Tensor  # (B, T, vocab)
    mu: torch.Tensor  # (B, latent)
    sigma: torch.Tensor  # (B, latent)
    z: torch.Tensor  # (B, latent)


def kl_divergence(mu: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma) || N(0, 1)) summed over latent dims, per example (nats)."""
    return 0.5 * (mu.pow(2) + sigma.pow(2) - 1.0 - 2.0 * torch.log(sigma)).sum(-1)


class MusicVAE(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.start_token = cfg.vocab_size  # an extra embedding row, never an output class
        self.embed = nn.Embedding(cfg.vocab_size + 1, cfg.embed_dim)
        self.encoder = nn.LSTM(cfg.embed_dim, cfg.enc_hidden, cfg.enc_layers, batch_first=True,
                               bidirectional=True, dropout=cfg.dropout if cfg.enc_layers > 1 else 0.0)
        if cfg.encoder == "hierarchical":
            self.bar_encoder = nn.LSTM(2 * cfg.enc_hidden, cfg.enc_hidden, 1, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * cfg.enc_hidden, cfg.latent_dim)
        self.to_sigma = nn.Linear(2 * cfg.enc_hidden, cfg.latent_dim)
        if cfg.decoder == "hierarchical":
            self.z_to_conductor = nn.Linear(cfg.latent_dim, 2 * cfg.conductor_layers * cfg.conductor_hidden)
            self.conductor = nn.LSTM(cfg.latent_dim, cfg.conductor_hidden, cfg.conductor_layers, batch_first=True)
            ctx_dim = cfg.conductor_hidden
        else:
            ctx_dim = cfg.latent_dim
        self.ctx_to_decoder = nn.Linear(ctx_dim, 2 * cfg.dec_layers * cfg.dec_hidden)
        self.decoder = nn.LSTM(cfg.embed_dim + ctx_dim, cfg.dec_hidden, cfg.dec_layers, batch_first=True,
                               dropout=cfg.dropout if cfg.dec_layers > 1 else 0.0)
        self.out = nn.Linear(cfg.dec_hidden, cfg.vocab_size)

    # ----------------------------------------------------------------------- encoder
    def encode(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """tokens (B, T) -> mu, sigma (B, latent)."""
        cfg = self.cfg
        if cfg.encoder == "hierarchical":
            bars = tokens.reshape(-1, cfg.steps_per_bar)
            _, (h, _) = self.encoder(self.embed(bars))
            summaries = torch.cat([h[-2], h[-1]], dim=-1).view(tokens.shape[0], -1, 2 * cfg.enc_hidden)
            _, (h, _) = self.bar_encoder(summaries)
        else:
            _, (h, _) = self.encoder(self.embed(tokens))
        final = torch.cat([h[-2], h[-1]], dim=-1)  # last layer, forward and backward
        mu = self.to_mu(final)
        sigma = F.softplus(self.to_sigma(final)) + 1e-5
        return mu, sigma

    # ----------------------------------------------------------------------- decoder context
    @staticmethod
    def _initial_state(linear: nn.Linear, ctx: torch.Tensor, layers: int, hidden: int):
        hc = torch.tanh(linear(ctx)).view(ctx.shape[0], 2, layers, hidden).permute(1, 2, 0, 3)
        return hc[0].contiguous(), hc[1].contiguous()

    def contexts(self, z: torch.Tensor) -> torch.Tensor:
        """The per-sequence decoder conditioning: (B*bars, ctx) for hierarchical, (B, latent) for flat."""
        cfg = self.cfg
        if cfg.decoder == "flat":
            return z
        state = self._initial_state(self.z_to_conductor, z, cfg.conductor_layers, cfg.conductor_hidden)
        inputs = z.unsqueeze(1).expand(-1, cfg.bars, -1)
        bar_embeddings, _ = self.conductor(inputs, state)
        return bar_embeddings.reshape(-1, cfg.conductor_hidden)

    def _seq_len(self) -> int:
        return self.cfg.steps_per_bar if self.cfg.decoder == "hierarchical" else self.cfg.num_steps

    # ----------------------------------------------------------------------- teacher forcing
    def decode_teacher_forced(self, z: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, vocab) for ``tokens`` given z, feeding the true previous token."""
        cfg = self.cfg
        ctx = self.contexts(z)
        seqs = tokens.reshape(ctx.shape[0], self._seq_len())
        prev = torch.cat([torch.full_like(seqs[:, :1], self.start_token), seqs[:, :-1]], dim=1)
        state = self._initial_state(self.ctx_to_decoder, ctx, cfg.dec_layers, cfg.dec_hidden)
        x = torch.cat([self.embed(prev), ctx.unsqueeze(1).expand(-1, seqs.shape[1], -1)], dim=-1)
        h, _ = self.decoder(x, state)
        return self.out(h).reshape(tokens.shape[0], cfg.num_steps, cfg.vocab_size)

    def forward(self, tokens: torch.Tensor, generator: torch.Generator | None = None,
                sampling_prob: float = 0.0) -> VAEOutput:
        mu, sigma = self.encode(tokens)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + sigma * eps
        dec_tokens = tokens
        if sampling_prob > 0.0:
            with torch.no_grad():
                predicted = self.decode_teacher_forced(z, tokens).argmax(-1)
            mask = torch.rand(tokens.shape, generator=generator, device=tokens.device) < sampling_prob
            # shifting happens inside the decoder, so mixing here mixes the *inputs* of the next step
            dec_tokens = torch.where(mask, predicted, tokens)
        logits = self.decode_teacher_forced(z, dec_tokens)
        return VAEOutput(logits, mu, sigma, z)

    # ----------------------------------------------------------------------- free-running decoding
    @torch.no_grad()
    def _run_decoder(self, ctx: torch.Tensor, steps: int, temperature: float,
                     generator: torch.Generator | None, force: torch.Tensor | None) -> torch.Tensor:
        """Free-running decoding, one step at a time, with the LSTM written out: the same arithmetic as
        ``self.decoder`` (PyTorch's gate order i, f, g, o), but the first layer's input weights are folded
        into a table per token (the embedding times them) plus one product with the context per sequence,
        so a step costs one matrix product per layer. About twice as fast as calling the LSTM per step,
        which is what a whole melody's phrases (32 sequential steps) and every Generate click wait on."""
        cfg = self.cfg
        d, E = self.decoder, cfg.embed_dim
        w_ih0 = d.weight_ih_l0
        table = self.embed.weight @ w_ih0[:, :E].T + d.bias_ih_l0 + d.bias_hh_l0  # (vocab + 1, 4H)
        ctx_gates = ctx @ w_ih0[:, E:].T
        w_hh = [getattr(d, f"weight_hh_l{k}").T for k in range(cfg.dec_layers)]
        w_up = [torch.cat([getattr(d, f"weight_ih_l{k}"), getattr(d, f"weight_hh_l{k}")], 1).T
                for k in range(1, cfg.dec_layers)]
        b_up = [getattr(d, f"bias_ih_l{k}") + getattr(d, f"bias_hh_l{k}") for k in range(1, cfg.dec_layers)]
        h0, c0 = self._initial_state(self.ctx_to_decoder, ctx, cfg.dec_layers, cfg.dec_hidden)
        h, c = list(h0.unbind(0)), list(c0.unbind(0))
        w_out, b_out = self.out.weight.T, self.out.bias
        prev = torch.full((ctx.shape[0],), self.start_token, dtype=torch.long, device=ctx.device)
        out = torch.empty((ctx.shape[0], steps), dtype=torch.long, device=ctx.device)
        for t in range(steps):
            below = None
            for k in range(cfg.dec_layers):
                if k == 0:
                    gates = torch.addmm(table[prev] + ctx_gates, h[0], w_hh[0])
                else:
                    gates = torch.addmm(b_up[k - 1], torch.cat([below, h[k]], 1), w_up[k - 1])
                i, f, g, o = gates.chunk(4, 1)
                c[k] = torch.sigmoid(f) * c[k] + torch.sigmoid(i) * torch.tanh(g)
                h[k] = below = torch.sigmoid(o) * torch.tanh(c[k])
            logits = torch.addmm(b_out, below, w_out)
            if temperature <= 0:
                tok = logits.argmax(-1)
            else:
                probs = torch.softmax(logits.float() / temperature, dim=-1)
                tok = torch.multinomial(probs, 1, generator=generator)[:, 0]
            if force is not None:
                tok = torch.where(force[:, t] >= 0, force[:, t], tok)
            out[:, t] = tok
            prev = tok
        return out

    @torch.no_grad()
    def decode(self, z: torch.Tensor, temperature: float = 0.0, generator: torch.Generator | None = None,
               force: torch.Tensor | None = None, batched_bars: bool = True) -> torch.Tensor:
        """Free-running decode of z (B, latent) -> tokens (B, T).

        ``temperature`` 0 means greedy (argmax). ``force`` (B, T), where >= 0, replaces the
        model's choice at that step (used to keep a prompt). ``batched_bars=False`` decodes the
        bars of a hierarchical model one after another: the same result, slower; kept as the
        benchmark's baseline and for the equivalence test.
        """
        cfg = self.cfg
        ctx = self.contexts(z)
        if cfg.decoder == "flat":
            return self._run_decoder(ctx, cfg.num_steps, temperature, generator, force)
        spb = cfg.steps_per_bar
        bar_force = None if force is None else force.reshape(-1, spb)
        if batched_bars:
            return self._run_decoder(ctx, spb, temperature, generator, bar_force).reshape(z.shape[0], -1)
        ctx = ctx.view(z.shape[0], cfg.bars, -1)
        bars = []
        for b in range(cfg.bars):
            f = None if bar_force is None else bar_force.view(z.shape[0], cfg.bars, spb)[:, b]
            bars.append(self._run_decoder(ctx[:, b], spb, temperature, generator, f))
        return torch.cat(bars, dim=1)

    def prompt_log_likelihood(self, z: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Sum of log p(tokens | z) over the positions where ``mask`` is true, per example."""
        logits = self.decode_teacher_forced(z, tokens)
        logp = -F.cross_entropy(logits.transpose(1, 2), tokens, reduction="none")
        return (logp * mask).sum(-1)


def vae_loss(model: MusicVAE, tokens: torch.Tensor, beta: float, free_bits: float,
             generator: torch.Generator | None = None, sampling_prob: float = 0.0) -> dict[str, torch.Tensor]:
    """The training objective and the figures we log (all per sequence, averaged over the batch)."""
    out = model(tokens, generator=generator, sampling_prob=sampling_prob)
    recon = F.cross_entropy(out.logits.transpose(1, 2), tokens, reduction="none").sum(-1)
    kl = kl_divergence(out.mu, out.sigma)
    free_nats = free_bits * math.log(2.0)
    kl_cost = torch.clamp(kl - free_nats, min=0.0)
    loss = (recon + beta * kl_cost).mean()
    with torch.no_grad():
        acc = (out.logits.argmax(-1) == tokens).float().mean()
    return {"loss": loss, "recon": recon.mean().detach(), "kl": kl.mean().detach(),
            "elbo": -(recon + kl).mean().detach(), "tf_accuracy": acc}
