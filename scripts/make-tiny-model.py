#!/usr/bin/env python3
"""Build a tiny, randomly initialised Qwen2-architecture causal LM in Hugging Face format.

    python scripts/make-tiny-model.py OUT_DIR [--force]

The result loads in
  * torchtune 0.6.1: model `torchtune.models.qwen2.qwen2` (sizes printed in OUT_DIR/torchtune.json),
    `FullModelHFCheckpointer` with `model_type: QWEN2`, tokenizer
    `torchtune.models.qwen2.qwen2_tokenizer` (vocab.json + merges.txt, special tokens read from
    tokenizer.json through `special_tokens_path`);
  * transformers: `AutoModelForCausalLM` / `AutoTokenizer` (tokenizer.json + tokenizer_config.json
    with a ChatML chat template), hence inspect-ai's `hf/...` provider with `-M model_path=OUT_DIR`.

The tokenizer is byte-level BPE with no merges (one token per byte) plus the three Qwen2 special
tokens at ids 256..258, so torchtune's and transformers' tokenizations agree exactly, and the
chat template renders the same token sequence torchtune's Qwen2 tokenizer builds for training:
    <|im_start|>user\\n{input}<|im_end|>\\n<|im_start|>assistant\\n{output}<|im_end|>

Deterministic (fixed seed), takes a few seconds, needs no network. If OUT_DIR already holds a
complete model made with the same settings (stamp file), nothing is done.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Model size: ~0.9 M parameters, ~3.5 MB of fp32 safetensors.
SETTINGS = {
    "format": 1,
    "seed": 1234,
    "hidden_size": 128,
    "intermediate_size": 512,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "max_position_embeddings": 256,
    "rope_theta": 10000.0,
    "rms_norm_eps": 1e-6,
    "tie_word_embeddings": False,
}

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]  # ids 256, 257, 258
ENDOFTEXT, IM_START, IM_END = SPECIAL_TOKENS

# Same pre-tokenisation regex as Qwen2 (and torchtune's Qwen2Tokenizer). With no merges it does
# not change the ids, but keeps tokenizer.json shaped like a real Qwen2 tokenizer.
QWEN2_PRETOKENIZE_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|"
    r"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# ChatML, without Qwen's default system prompt (an absent system message stays absent).
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

EXPECTED_FILES = [
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.json",
    "merges.txt",
    "torchtune.json",
]
STAMP = ".tiny-model.sha256"


def settings_hash() -> str:
    blob = json.dumps(
        {"settings": SETTINGS, "special": SPECIAL_TOKENS, "template": CHAT_TEMPLATE},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def byte_to_unicode() -> dict[int, str]:
    """GPT-2 style reversible byte -> printable unicode character table (the one byte-level BPE
    vocabularies, including Qwen2's and torchtune's, are written in)."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    table: dict[int, str] = {}
    extra = 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def is_complete(out: Path) -> bool:
    stamp = out / STAMP
    return (
        stamp.is_file()
        and stamp.read_text().strip() == settings_hash()
        and all((out / f).is_file() for f in EXPECTED_FILES)
    )


def build(out: Path) -> None:
    import torch
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from transformers import GenerationConfig, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    # --- tokenizer -------------------------------------------------------------------------
    vocab = {ch: b for b, ch in byte_to_unicode().items()}  # id == byte value
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    ids = {t: tok.token_to_id(t) for t in SPECIAL_TOKENS}
    assert ids == {ENDOFTEXT: 256, IM_START: 257, IM_END: 258}, ids
    vocab_size = tok.get_vocab_size(with_added_tokens=True)  # 259

    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=IM_END,
        pad_token=ENDOFTEXT,
        bos_token=None,
        unk_token=None,
        model_max_length=SETTINGS["max_position_embeddings"],
        clean_up_tokenization_spaces=False,
        padding_side="left",
    )
    hf_tok.chat_template = CHAT_TEMPLATE
    hf_tok.save_pretrained(str(out))
    # transformers may write the template to chat_template.jinja; keep it in tokenizer_config.json
    # as well so older readers see it.
    cfg_path = out / "tokenizer_config.json"
    tok_cfg = json.loads(cfg_path.read_text())
    tok_cfg["chat_template"] = CHAT_TEMPLATE
    cfg_path.write_text(json.dumps(tok_cfg, indent=2, ensure_ascii=False) + "\n")
    # torchtune's Qwen2 tokenizer reads these two (it skips a leading "#version" line in merges.txt)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")

    # --- model -----------------------------------------------------------------------------
    torch.manual_seed(SETTINGS["seed"])
    config = Qwen2Config(
        vocab_size=vocab_size,
        hidden_size=SETTINGS["hidden_size"],
        intermediate_size=SETTINGS["intermediate_size"],
        num_hidden_layers=SETTINGS["num_hidden_layers"],
        num_attention_heads=SETTINGS["num_attention_heads"],
        num_key_value_heads=SETTINGS["num_key_value_heads"],
        max_position_embeddings=SETTINGS["max_position_embeddings"],
        rope_theta=SETTINGS["rope_theta"],
        rms_norm_eps=SETTINGS["rms_norm_eps"],
        tie_word_embeddings=SETTINGS["tie_word_embeddings"],
        use_sliding_window=False,
        bos_token_id=ids[ENDOFTEXT],
        eos_token_id=ids[IM_END],
        pad_token_id=ids[ENDOFTEXT],
        torch_dtype="float32",
    )
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        bos_token_id=ids[ENDOFTEXT],
        eos_token_id=ids[IM_END],
        pad_token_id=ids[ENDOFTEXT],
        do_sample=False,
    )
    model.save_pretrained(str(out), safe_serialization=True)
    n_params = sum(p.numel() for p in model.parameters())

    # --- the matching torchtune model arguments, for finetune.yaml authors -------------------
    tt = {
        "model": {
            "_component_": "torchtune.models.qwen2.qwen2",
            "vocab_size": vocab_size,
            "num_layers": SETTINGS["num_hidden_layers"],
            "num_heads": SETTINGS["num_attention_heads"],
            "num_kv_heads": SETTINGS["num_key_value_heads"],
            "embed_dim": SETTINGS["hidden_size"],
            "intermediate_dim": SETTINGS["intermediate_size"],
            "max_seq_len": SETTINGS["max_position_embeddings"],
            "norm_eps": SETTINGS["rms_norm_eps"],
            "rope_base": SETTINGS["rope_theta"],
            "tie_word_embeddings": SETTINGS["tie_word_embeddings"],
        },
        "checkpointer": {"model_type": "QWEN2", "checkpoint_files": ["model.safetensors"]},
        "parameters": n_params,
    }
    (out / "torchtune.json").write_text(json.dumps(tt, indent=2) + "\n")

    # --- self-check: both tokenizers agree on a chat ------------------------------------------
    sample = hf_tok.apply_chat_template(
        [{"role": "user", "content": "apple"}, {"role": "assistant", "content": "APPLE"}],
        tokenize=False,
    )
    expected = f"{IM_START}user\napple{IM_END}\n{IM_START}assistant\nAPPLE{IM_END}\n"
    assert sample == expected, repr(sample)
    enc = hf_tok(sample, add_special_tokens=True)["input_ids"]
    assert enc[0] == ids[IM_START] and enc[-2] == ids[IM_END], enc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--force", action="store_true", help="rebuild even if OUT_DIR is complete")
    args = ap.parse_args()
    out = Path(args.out_dir).resolve()

    if not args.force and is_complete(out):
        print(f"tiny model already complete: {out}")
        return 0

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tiny-model-", dir=out.parent))
    try:
        build(tmp)
        (tmp / STAMP).write_text(settings_hash() + "\n")
        tmp.chmod(0o755)  # mkdtemp makes it 0700
        for f in tmp.iterdir():
            f.chmod(0o644)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    n_params = json.loads((out / "torchtune.json").read_text())["parameters"]
    print(f"tiny model written: {out} ({n_params} parameters, {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
