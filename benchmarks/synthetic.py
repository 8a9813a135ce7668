"""Synthetic Hugging Face Hub models for the benchmarks: realistic, reproducible, any number.

:func:`hub_body` gives model ``i`` of a synthetic Hub as the JSON body the Hub answers for
``GET /api/models/{id}`` (``id``, ``author``, ``sha``, ``tags``, ``pipeline_tag``,
``library_name``, ``downloads``, ``likes``, ``createdAt``, ``lastModified``, ``gated``,
``cardData``, ``siblings``, ``safetensors``/``gguf``), the same for the same ``(i, seed)`` on any
machine: the body is a function of ``i`` and ``seed`` only, so any slice can be regenerated (the
refresh benchmark re-reads models of the big cache that way).

What it looks like, roughly as on the Hub in 2025:

* namespaces: a few dozen organisations that publish base models (meta-llama, Qwen, google,
  mistralai, microsoft…), quantisers (TheBloke, bartowski, mradermacher, unsloth…) and a long
  Zipf tail of users (one model per eight, most with one or two repos);
* names: base models in their sizes and variants (``Llama-3.1-8B-Instruct``), quantised copies
  (``…-GGUF``, ``…-AWQ``, ``…-bnb-4bit``), fine-tunes (``bert-base-uncased-finetuned-imdb``,
  ``Qwen2.5-7B-sft-v2``, LoRA adapters), course exercises (``ppo-LunarLander-v2``) and the
  anonymous ``my_awesome_model``;
* tags: library, format, architecture, pipeline, languages, ``license:…``, ``base_model:…``,
  ``dataset:…``, ``arxiv:…``, ``region:us``, as the Hub writes them;
* licences: none on about four in ten, then apache-2.0, mit, the model families' own licences,
  Creative Commons, OpenRAIL…;
* downloads: zero for more than half, then a heavy tail (a handful in the millions);
* sizes: ``safetensors.total`` (or ``gguf.total``) from the base model's size.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from collections.abc import Iterator
from typing import Any

# -- vocabulary -----------------------------------------------------------------------------------

# Base models: (namespace, name pattern, sizes in billions, pipeline, library, model type,
# licences (weighted), weight, gated?)
_LLM = "text-generation"
BASES: tuple[tuple[str, str, tuple[float, ...], str, str, str, tuple[tuple[str, int], ...],
                   int, bool], ...] = (
    ("meta-llama", "Llama-2-{s}b-hf", (7, 13, 70), _LLM, "transformers", "llama",
     (("llama2", 1),), 30, True),
    ("meta-llama", "Meta-Llama-3-{s}B", (8, 70), _LLM, "transformers", "llama",
     (("llama3", 1),), 30, True),
    ("meta-llama", "Llama-3.1-{s}B", (8, 70, 405), _LLM, "transformers", "llama",
     (("llama3.1", 1),), 40, True),
    ("meta-llama", "Llama-3.2-{s}B", (1, 3), _LLM, "transformers", "llama",
     (("llama3.2", 1),), 40, True),
    ("meta-llama", "Llama-3.3-{s}B", (70,), _LLM, "transformers", "llama",
     (("llama3.3", 1),), 15, True),
    ("Qwen", "Qwen2.5-{s}B", (0.5, 1.5, 3, 7, 14, 32, 72), _LLM, "transformers", "qwen2",
     (("apache-2.0", 4), ("other", 1)), 45, False),
    ("Qwen", "Qwen3-{s}B", (0.6, 1.7, 4, 8, 14, 32), _LLM, "transformers", "qwen3",
     (("apache-2.0", 1),), 35, False),
    ("Qwen", "Qwen2-VL-{s}B", (2, 7, 72), "image-text-to-text", "transformers", "qwen2_vl",
     (("apache-2.0", 1),), 6, False),
    ("mistralai", "Mistral-7B-v0.{s:.0f}", (1, 2, 3), _LLM, "transformers", "mistral",
     (("apache-2.0", 1),), 25, False),
    ("mistralai", "Mixtral-8x{s:.0f}B-v0.1", (7, 22), _LLM, "transformers", "mixtral",
     (("apache-2.0", 1),), 6, False),
    ("mistralai", "Mistral-Nemo-Base-2407", (12,), _LLM, "transformers", "mistral",
     (("apache-2.0", 1),), 6, False),
    ("google", "gemma-2-{s}b", (2, 9, 27), _LLM, "transformers", "gemma2",
     (("gemma", 1),), 18, True),
    ("google", "gemma-3-{s}b-pt", (1, 4, 12, 27), "image-text-to-text", "transformers", "gemma3",
     (("gemma", 1),), 14, True),
    ("microsoft", "Phi-3-mini-4k", (3.8,), _LLM, "transformers", "phi3", (("mit", 1),), 8,
     False),
    ("microsoft", "phi-4", (14,), _LLM, "transformers", "phi3", (("mit", 1),), 6, False),
    ("deepseek-ai", "DeepSeek-R1-Distill-Qwen-{s}B", (1.5, 7, 14, 32), _LLM, "transformers",
     "qwen2", (("mit", 1),), 12, False),
    ("TinyLlama", "TinyLlama-1.1B-Chat-v1.0", (1.1,), _LLM, "transformers", "llama",
     (("apache-2.0", 1),), 8, False),
    ("HuggingFaceTB", "SmolLM2-{s}M", (135, 360, 1700), _LLM, "transformers", "llama",
     (("apache-2.0", 1),), 6, False),
    ("allenai", "OLMo-2-1124-{s}B", (7, 13), _LLM, "transformers", "olmo2",
     (("apache-2.0", 1),), 3, False),
    ("EleutherAI", "pythia-{s}m", (70, 160, 410, 1000), _LLM, "transformers", "gpt_neox",
     (("apache-2.0", 1),), 4, False),
    ("tiiuae", "falcon-{s}b", (7, 40), _LLM, "transformers", "falcon",
     (("apache-2.0", 1),), 3, False),
    ("openai-community", "gpt2", (0.124,), _LLM, "transformers", "gpt2", (("mit", 1),), 25,
     False),
    ("google-bert", "bert-base-uncased", (0.110,), "fill-mask", "transformers", "bert",
     (("apache-2.0", 1),), 40, False),
    ("distilbert", "distilbert-base-uncased", (0.066,), "fill-mask", "transformers",
     "distilbert", (("apache-2.0", 1),), 35, False),
    ("FacebookAI", "roberta-base", (0.125,), "fill-mask", "transformers", "roberta",
     (("mit", 1),), 25, False),
    ("FacebookAI", "xlm-roberta-base", (0.278,), "fill-mask", "transformers", "xlm-roberta",
     (("mit", 1),), 12, False),
    ("microsoft", "deberta-v3-base", (0.184,), "fill-mask", "transformers", "deberta-v2",
     (("mit", 1),), 12, False),
    ("google-t5", "t5-{s}", (0.06, 0.22, 0.77), "translation", "transformers", "t5",
     (("apache-2.0", 1),), 10, False),
    ("google", "flan-t5-base", (0.248,), "text2text-generation", "transformers", "t5",
     (("apache-2.0", 1),), 8, False),
    ("facebook", "bart-large-cnn", (0.406,), "summarization", "transformers", "bart",
     (("mit", 1),), 5, False),
    ("openai", "whisper-{s}", (0.039, 0.074, 0.244, 0.769, 1.55), "automatic-speech-recognition",
     "transformers", "whisper", (("apache-2.0", 1),), 20, False),
    ("facebook", "wav2vec2-base-960h", (0.095,), "automatic-speech-recognition", "transformers",
     "wav2vec2", (("apache-2.0", 1),), 8, False),
    ("google", "vit-base-patch16-224", (0.086,), "image-classification", "transformers", "vit",
     (("apache-2.0", 1),), 12, False),
    ("microsoft", "resnet-50", (0.025,), "image-classification", "transformers", "resnet",
     (("apache-2.0", 1),), 5, False),
    ("facebook", "detr-resnet-50", (0.041,), "object-detection", "transformers", "detr",
     (("apache-2.0", 1),), 4, False),
    ("Ultralytics", "YOLOv8", (0.011,), "object-detection", "ultralytics", "yolo",
     (("agpl-3.0", 1),), 6, False),
    ("stable-diffusion-v1-5", "stable-diffusion-v1-5", (0.98,), "text-to-image", "diffusers",
     "stable-diffusion", (("creativeml-openrail-m", 1),), 20, False),
    ("stabilityai", "stable-diffusion-xl-base-1.0", (3.5,), "text-to-image", "diffusers",
     "stable-diffusion-xl", (("openrail++", 1),), 20, False),
    ("black-forest-labs", "FLUX.1-dev", (12,), "text-to-image", "diffusers", "flux",
     (("other", 1),), 20, True),
    ("sentence-transformers", "all-MiniLM-L6-v2", (0.023,), "sentence-similarity",
     "sentence-transformers", "bert", (("apache-2.0", 1),), 12, False),
    ("BAAI", "bge-{s}-en-v1.5", (0.033, 0.109, 0.335), "feature-extraction",
     "sentence-transformers", "bert", (("mit", 1),), 8, False),
    ("intfloat", "multilingual-e5-large", (0.56,), "feature-extraction",
     "sentence-transformers", "xlm-roberta", (("mit", 1),), 4, False),
)
_BASE_WEIGHTS = [b[7] for b in BASES]

# Namespaces that publish quantised copies, with their naming habits.
QUANTISERS = (
    ("TheBloke", ("-GGUF", "-GPTQ", "-AWQ"), 10), ("bartowski", ("-GGUF", "-exl2"), 10),
    ("mradermacher", ("-GGUF", "-i1-GGUF"), 20), ("unsloth", ("-bnb-4bit", "-GGUF"), 10),
    ("lmstudio-community", ("-GGUF",), 4), ("QuantFactory", ("-GGUF",), 4),
    ("MaziyarPanahi", ("-GGUF",), 3), ("second-state", ("-GGUF",), 2),
    ("RichardErkhov", ("-4bits", "-8bits", "-gguf"), 8), ("TheBloke-archive", ("-GGML",), 1),
)
_QUANT_WEIGHTS = [q[2] for q in QUANTISERS]

TASKS = ("imdb", "sst2", "squad", "squad_v2", "conll2003", "emotion", "ner", "cola", "mrpc",
         "xsum", "cnn_dailymail", "samsum", "wikitext", "tweet_eval", "amazon", "yelp", "ag_news",
         "financial", "medical", "legal", "code", "math", "chat", "alpaca", "dolly", "oasst",
         "ultrachat", "gsm8k", "arabic", "german", "french", "spanish", "hindi", "japanese",
         "korean", "vietnamese", "turkish", "persian", "indonesian", "swahili", "common_voice",
         "librispeech", "food101", "cifar10", "mnist", "beans", "pokemon", "anime", "portrait",
         "lora", "dreambooth", "sentiment", "toxicity", "summarization", "translation", "qa")
STYLES = ("finetuned", "ft", "sft", "dpo", "orpo", "lora", "qlora", "merged", "instruct",
          "chat", "v1", "v2", "v3", "test", "trained", "adapter", "distilled", "pruned")
DATASETS = ("imdb", "glue", "squad", "conll2003", "emotion", "tatsu-lab/alpaca",
            "databricks/databricks-dolly-15k", "OpenAssistant/oasst1",
            "HuggingFaceH4/ultrachat_200k", "openai/gsm8k", "mozilla-foundation/common_voice_11_0",
            "librispeech_asr", "cifar10", "mnist", "food101", "wikitext", "c4",
            "HuggingFaceFW/fineweb", "allenai/dolma", "teknium/OpenHermes-2.5",
            "Open-Orca/OpenOrca", "yahma/alpaca-cleaned", "timdettmers/openassistant-guanaco")
RL_ENVS = ("LunarLander-v2", "CartPole-v1", "SpaceInvadersNoFrameskip-v4", "FrozenLake-v1-4x4",
           "Taxi-v3", "Huggy", "SnowballTarget", "Pyramids", "PandaReachDense-v3",
           "BreakoutNoFrameskip-v4", "Pixelcopter-PLE-v0", "SoccerTwos")
LANGUAGES = ("en", "zh", "fr", "de", "es", "ja", "ko", "ru", "ar", "hi", "pt", "it", "vi", "tr",
             "id", "fa", "multilingual")
# Licences as the Hub writes them (the license: tag), for models that do not follow their base.
LICENSES = (
    (None, 60), ("apache-2.0", 24), ("mit", 10), ("other", 5), ("cc-by-4.0", 2),
    ("cc-by-nc-4.0", 2), ("openrail", 2), ("creativeml-openrail-m", 2), ("cc-by-sa-4.0", 1),
    ("bsd-3-clause", 1), ("gpl-3.0", 1), ("afl-3.0", 1), ("cc-by-nc-sa-4.0", 1), ("unknown", 1),
    ("llama3", 1), ("gemma", 1), ("agpl-3.0", 0.5), ("artistic-2.0", 0.2), ("wtfpl", 0.3),
    ("cc0-1.0", 0.5), ("bigscience-openrail-m", 0.5), ("lgpl-3.0", 0.2),
)
_LICENSE_VALUES = [v for v, _ in LICENSES]
_LICENSE_WEIGHTS = [w for _, w in LICENSES]

_SYLLABLES = ("ka", "ri", "to", "mi", "an", "el", "jo", "sa", "li", "ne", "ar", "yu", "ko",
              "da", "vi", "zen", "max", "leo", "ana", "tom", "raj", "wei", "lin", "omar", "ali",
              "ben", "eva", "ivan", "luca", "nina", "paul", "sara", "tim", "yuki", "zoe", "hugo")
_USER_SUFFIXES = ("", "", "", "ml", "ai", "nlp", "dev", "lab", "-ai", "_ml", "99", "42", "2024",
                  "x", "-research", "hf")

EPOCH = datetime(2020, 6, 1, tzinfo=UTC)
END = datetime(2026, 10, 1, tzinfo=UTC)


def _fmt_size(value: float) -> str:
    return f"{value:g}"


def base_name(base: tuple[Any, ...], size: float) -> str:
    pattern = base[1]
    if "{s:.0f}" in pattern:
        return pattern.format(s=size)
    return pattern.format(s=_fmt_size(size))


def username(rank: int) -> str:
    """A user namespace, the same for the same rank."""
    rng = random.Random(rank * 7919 + 17)
    parts = [rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))]
    sep = rng.choice(("", "", "-", "_"))
    name = sep.join(parts) + rng.choice(_USER_SUFFIXES)
    if rng.random() < 0.4:
        name += str(rng.randint(1, 9999))
    return name


def _zipf_rank(rng: random.Random, population: int, offset: float = 50.0) -> int:
    # A shifted power law (density 1/(rank + offset)): the busiest namespace has a few tenths of
    # a percent of the models, most have one or two.
    u = rng.random()
    x = (population + offset) ** u * offset ** (1 - u) - offset
    return min(population - 1, max(0, int(x)))


def _downloads(rng: random.Random, boost: float) -> int:
    if rng.random() < 0.55 / boost:
        return 0
    value = rng.paretovariate(0.9) * 3 * boost
    return int(min(value, 9e7))


def _date(rng: random.Random, after: datetime = EPOCH) -> datetime:
    # More models every year: the square root of a uniform draw leans to the end.
    span = (END - after).total_seconds()
    return after + timedelta(seconds=span * (rng.random() ** 0.5))


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _finetune_name(rng: random.Random, base: tuple[Any, ...], size: float,
                   style: str | None = None) -> str:
    short = base_name(base, size)
    if rng.random() < 0.5:
        short = short.replace("-hf", "")
    task = rng.choice(TASKS)
    style = style or rng.choice(STYLES)
    shape = rng.random()
    if shape < 0.35:
        return f"{short}-{style}-{task}"
    if shape < 0.6:
        return f"{short}-{task}"
    if shape < 0.75:
        return f"{task}-{short.split('-')[0].lower()}-{style}"
    if shape < 0.85:
        name = rng.choice(("my_awesome_model", "my-finetuned-model", "test", "results",
                           "output", "model", "checkpoint", "trained_model", "sentiment-model",
                           "ner-model", "my_model", "lora-adapter"))
        return name + (f"-{rng.randint(1, 999)}" if rng.random() < 0.7 else "")
    return f"{short}-{task}-{style}-{rng.randint(1, 20)}"


def hub_body(i: int, seed: int = 1, *, users: int = 125_000) -> dict[str, Any]:
    """Synthetic model ``i``: a Hub API body (``GET /api/models/{id}``, as ``full=true``)."""
    rng = random.Random(seed * 1_000_003 + i)
    base = rng.choices(BASES, weights=_BASE_WEIGHTS)[0]
    (org, pattern, sizes, pipeline, library, model_type, base_licenses, _w, base_gated) = base
    size = rng.choice(sizes)
    base_id = f"{org}/{base_name(base, size)}"
    params = size * (1e6 if "{s}M" in pattern or pattern.endswith("{s}m") else 1e9)
    kind = rng.random()
    tags: list[str] = []
    siblings = [".gitattributes", "README.md"]
    card: dict[str, Any] = {}
    datasets: list[str] = []
    gated: bool | str = False
    license_: str | None
    boost = 1.0
    languages: list[str] = []
    fmt = "safetensors"
    base_rel: str | None = None
    if kind < 0.02:
        # A base model itself (an organisation's release, sometimes an instruct variant).
        namespace = org
        suffix = rng.choice(("", "", "-Instruct", "-Chat", "-it", "-Base"))
        name = base_name(base, size) + suffix
        license_ = rng.choices([v for v, _ in base_licenses],
                               weights=[w for _, w in base_licenses])[0]
        gated = rng.choice(("manual", "auto")) if base_gated else False
        boost = 200.0
        if suffix:
            base_rel = "finetune"
    elif kind < 0.30:
        # A quantised copy.
        namespace, suffixes, _ = rng.choices(QUANTISERS, weights=_QUANT_WEIGHTS)[0]
        if rng.random() < 0.3:
            namespace = username(_zipf_rank(rng, users))
        variant = rng.choice(("", "-Instruct", "-Chat", "-it", "", "-Coder", "-abliterated"))
        suffix = rng.choice(suffixes)
        if rng.random() < 0.6:  # mostly copies of other people's fine-tunes
            name = _finetune_name(rng, base, size) + suffix
        else:
            name = base_name(base, size) + variant + suffix
        license_ = rng.choices([v for v, _ in base_licenses],
                               weights=[w for _, w in base_licenses])[0] \
            if rng.random() < 0.8 else rng.choices(_LICENSE_VALUES, _LICENSE_WEIGHTS)[0]
        fmt = "gguf" if "gguf" in suffix.lower() or "ggml" in suffix.lower() else "safetensors"
        boost = 3.0 if namespace in ("TheBloke", "bartowski", "unsloth") else 1.0
        base_rel = "quantized"
        if "bnb" in suffix or "bits" in suffix:
            tags += ["4-bit" if "4" in suffix else "8-bit", "bitsandbytes"]
        if "AWQ" in suffix:
            tags.append("awq")
        if "GPTQ" in suffix:
            tags.append("gptq")
    elif kind < 0.36:
        # A course exercise (reinforcement learning).
        namespace = username(_zipf_rank(rng, users))
        algo = rng.choice(("ppo", "dqn", "q", "a2c", "poca", "reinforce", "sac"))
        env = rng.choice(RL_ENVS)
        name = f"{algo}-{env}" + rng.choice(("", "", "-v2", "-1", "-test"))
        pipeline, library, model_type = "reinforcement-learning", rng.choice(
            ("stable-baselines3", "ml-agents", "custom")), "rl"
        tags += ["reinforcement-learning", env, "deep-reinforcement-learning",
                 "custom-implementation" if library == "custom" else library]
        license_ = None if rng.random() < 0.7 else "mit"
        params = None
        base_id = None
        siblings += ["model.zip", "replay.mp4", "results.json"]
        fmt = "none"
    else:
        # A fine-tune, a LoRA adapter or a merge, mostly by one of many users.
        namespace = username(_zipf_rank(rng, users))
        style = rng.choice(STYLES)
        name = _finetune_name(rng, base, size, style)
        license_ = rng.choices(_LICENSE_VALUES, _LICENSE_WEIGHTS)[0] if rng.random() < 0.7 \
            else rng.choices([v for v, _ in base_licenses],
                             weights=[w for _, w in base_licenses])[0]
        base_rel = "adapter" if style in ("lora", "qlora", "adapter") else \
            "merge" if style == "merged" else "finetune"
        if base_rel == "adapter":
            library = "peft"
            tags += ["lora", "peft"]
            siblings += ["adapter_config.json", "adapter_model.safetensors"]
            fmt = "none"
        if base_rel == "merge":
            tags += ["mergekit", "merge"]
        if rng.random() < 0.5:
            tags.append("generated_from_trainer")
        if style in ("sft", "dpo", "orpo"):
            tags += ["trl", style]
        if rng.random() < 0.3:
            datasets = rng.sample(DATASETS, rng.randint(1, 2))
        if rng.random() < 0.08:
            tags.append("unsloth")
    repo = f"{namespace}/{name}"
    if pipeline in (_LLM, "fill-mask", "text2text-generation", "translation", "summarization",
                    "feature-extraction", "sentence-similarity") and rng.random() < 0.6:
        languages = rng.sample(LANGUAGES, rng.choice((1, 1, 1, 2, 3)))
    # Tags in the Hub's order: library, format, architecture, pipeline, misc, languages,
    # datasets, papers, base model, licence, endpoints, region.
    ordered: list[str] = []
    if library not in ("custom",):
        ordered.append(library)
    if fmt in ("safetensors", "gguf"):
        ordered.append(fmt)
    if model_type != "rl":
        ordered.append(model_type)
    if pipeline:
        ordered.append(pipeline)
    if pipeline == _LLM and rng.random() < 0.6:
        ordered.append("conversational")
    ordered += tags
    ordered += languages
    ordered += [f"dataset:{d}" for d in datasets]
    if rng.random() < 0.06:
        ordered.append(f"arxiv:{rng.randint(1810, 2509)}.{rng.randint(1, 19999):05d}")
    if base_id and base_rel and base_id != repo:
        ordered += [f"base_model:{base_id}", f"base_model:{base_rel}:{base_id}"]
    if license_:
        ordered.append(f"license:{license_}")
    if pipeline == _LLM:
        ordered += ["autotrain_compatible", "text-generation-inference"]
    ordered += ["endpoints_compatible", "region:us"]
    # Files.
    if fmt == "safetensors":
        siblings += ["config.json", "model.safetensors", "tokenizer.json",
                     "tokenizer_config.json"]
        if params and params > 5e9:
            siblings += [f"model-0000{k}-of-00004.safetensors" for k in range(1, 5)]
    elif fmt == "gguf":
        siblings += [f"{name.replace('-GGUF', '').replace('-i1', '')}.{q}.gguf"
                     for q in rng.sample(("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0",
                                          "IQ4_XS"), 3)]
    if rng.random() < 0.05:
        siblings.append("LICENSE")
    if rng.random() < 0.1:
        siblings.append("modeling_custom.py")
    created = _date(rng)
    modified = min(END, created + timedelta(days=rng.random() * 200))
    downloads = _downloads(rng, boost)
    likes = int(downloads ** 0.5 * rng.random() * 0.3) if downloads else \
        (1 if rng.random() < 0.05 else 0)
    if license_:
        card["license"] = license_
    if languages:
        card["language"] = languages
    if datasets:
        card["datasets"] = datasets
    if base_id and base_rel and base_id != repo:
        card["base_model"] = base_id
    if pipeline:
        card["pipeline_tag"] = pipeline
    card["library_name"] = library
    body: dict[str, Any] = {
        "_id": _sha(f"{seed}/{i}")[:24],
        "id": repo,
        "modelId": repo,
        "author": namespace,
        "sha": _sha(f"{seed}/{i}/{repo}"),
        "private": False,
        "disabled": False,
        "gated": gated,
        "pipeline_tag": pipeline,
        "library_name": library,
        "tags": ordered,
        "downloads": downloads,
        "likes": likes,
        "createdAt": _iso(created),
        "lastModified": _iso(modified),
        "cardData": card,
        "siblings": [{"rfilename": s} for s in siblings],
    }
    if params and fmt == "safetensors":
        total = int(params * (0.97 + 0.06 * rng.random()))
        body["safetensors"] = {"parameters": {"BF16": total}, "total": total}
    elif params and fmt == "gguf":
        body["gguf"] = {"total": int(params), "architecture": model_type,
                        "context_length": rng.choice((2048, 4096, 8192, 32768, 131072))}
    return body


def unique_bodies(count: int, seed: int = 1, start: int = 0
                  ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Models ``start`` … ``start + count - 1``, each with a repo id of its own.

    The Hub refuses a second repo of the same name in a namespace; a synthetic name drawn twice
    takes the model's index as a suffix (``user/test-3`` → ``user/test-3-52817``), as
    :func:`refreshed_id` finds again. ``start`` > 0 only continues a run that began at 0 if the
    caller passes the same ``seen`` set, so callers generate from 0.
    """
    seen: set[str] = set()
    for i in range(start, start + count):
        body = hub_body(i, seed)
        key = body["id"].lower()
        if key in seen:
            body["id"] = body["modelId"] = f"{body['id']}-{i}"
            key = body["id"].lower()
        seen.add(key)
        yield i, body


def renamed(body: dict[str, Any], i: int) -> dict[str, Any]:
    """The body under the id :func:`unique_bodies` gives a repeated name."""
    body = dict(body)
    body["id"] = body["modelId"] = f"{body['id']}-{i}"
    return body
