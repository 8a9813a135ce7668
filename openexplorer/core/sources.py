"""The public sources OpenExplorer draws on: what each is, its licence, the citation it asks for.

Shown in About → Data sources, in the README, and cited by every export.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    url: str
    license: str
    attribution: str
    citation: str


SOURCES: dict[str, Source] = {
    s.id: s
    for s in (
        Source(
            id="mot",
            name="Model Openness Framework / Model Openness Tool (LF AI & Data)",
            url="https://mot.isitopen.ai",
            license="MIT (model data); SPDX License List data CC-BY-3.0",
            attribution="Copyright 2024 The Model Openness Tool Authors (MIT licence).",
            citation=(
                "White, M. et al. (2024). The Model Openness Framework: Promoting Completeness "
                "and Openness for Reproducibility, Transparency, and Usability in Artificial "
                "Intelligence. arXiv:2403.13784. Data: github.com/lfai/model_openness_tool."
            ),
        ),
        Source(
            id="osai",
            name="European Open Source AI Index",
            url="https://osai-index.eu",
            license="CC BY 4.0",
            attribution="Data from the European Open Source AI Index, https://osai-index.eu.",
            citation=(
                "Liesenfeld, A. and Dingemanse, M. (2024). Rethinking open source generative AI: "
                "open-washing and the EU AI Act. FAccT '24, pp. 1774-1787. "
                "doi:10.1145/3630106.3659005. Database: Zenodo, doi:10.5281/zenodo.15386042."
            ),
        ),
        Source(
            id="osai-legacy",
            name="Opening up ChatGPT (predecessor of the index, frozen 2024)",
            url="https://opening-up-chatgpt.github.io",
            license="CC BY 4.0",
            attribution="Data from Opening up ChatGPT, http://opening-up-chatgpt.github.io.",
            citation=(
                "Liesenfeld, A., Lopez, A. and Dingemanse, M. (2023). Opening up ChatGPT: "
                "Tracking openness, transparency, and accountability in instruction-tuned text "
                "generators. CUI '23. doi:10.1145/3571884.3604316."
            ),
        ),
        Source(
            id="osi",
            name="Open Source Initiative: Open Source AI Definition 1.0 and its 2024 validation",
            url="https://opensource.org/ai",
            license="CC BY 4.0",
            attribution="Open Source AI Definition 1.0 by the Open Source Initiative (CC BY 4.0).",
            citation=(
                "Open Source Initiative (2024). The Open Source AI Definition 1.0. "
                "https://opensource.org/ai/open-source-ai-definition"
            ),
        ),
        Source(
            id="fmti",
            name="Stanford Foundation Model Transparency Index",
            url="https://crfm.stanford.edu/fmti/",
            license="CC BY 4.0",
            attribution="Foundation Model Transparency Index, Stanford CRFM (CC BY 4.0).",
            citation=(
                "Bommasani, R. et al. (2023). The Foundation Model Transparency Index. "
                "arXiv:2310.12941. Data: github.com/stanford-crfm/fmti."
            ),
        ),
        Source(
            id="epoch",
            name="Epoch AI, Notable AI Models",
            url="https://epoch.ai/data/notable-ai-models",
            license="CC BY 4.0",
            attribution="Data: Epoch AI (epoch.ai), CC BY 4.0.",
            citation=(
                "Epoch AI (2025). Data on Notable AI Models. "
                "https://epoch.ai/data/notable-ai-models"
            ),
        ),
        Source(
            id="hub-cards-2024",
            name="Hugging Face Hub model cards' metadata, as of 2024-11",
            url="https://github.com/YinanWusoymilk/hf-readme",
            license="per repository (the authors' own card metadata)",
            attribution=(
                "Model card front matter of 3,377 popular Hugging Face Hub models, fetched in late "
                "November 2024 by the GitHub project YinanWusoymilk/hf-readme (commit 1ab39f24, "
                "2024-12-02)."
            ),
            citation=(
                "YinanWusoymilk/hf-readme, training_and_application/readme_files (commit "
                "1ab39f24f8f9548593ac6304367f31ae3ff45178, 2024-12-02): Hugging Face Hub model "
                "cards as of 2024-11."
            ),
        ),
        Source(
            id="hub",
            name="Hugging Face Hub metadata (automated)",
            url="https://huggingface.co",
            license="per repository; licence identifiers from the Hub docs (Apache-2.0)",
            attribution="Metadata read from the Hugging Face Hub API.",
            citation="Hugging Face Hub, https://huggingface.co (metadata as of the refresh date).",
        ),
    )
}
