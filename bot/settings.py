"""Every knob Basis has, read from BASIS_* environment variables or `.env`.

Built by `load_settings()` at start-up, never at import time, so tests and
front ends can pass their own values.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BASIS_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Knowledge and index
    knowledge_dir: Path = Field(Path("knowledge"), description="Directory of curated documents.")
    index_dir: Path = Field(Path("index"), description="Where the built index lives.")
    data_dir: Path = Field(Path("data"), description="Feedback database and audit log.")
    model: str = Field(
        "basis-minilm-tuned",
        description=(
            "Embedding model: basis-minilm-tuned (MiniLM fine-tuned here), an installed package "
            "that ships weights, or a folder path."
        ),
    )
    runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description=(
            "Where the embedding model runs: onnx (ONNX Runtime, no torch) or torch "
            "(sentence-transformers, needs the train extra; the baseline onnx is measured against)."
        ),
    )
    device: str = Field("cpu", description="Torch device, for runtime torch only.")
    model_threads: int = Field(
        1, ge=1, description="Threads for embedding (one is fastest on a busy small machine)."
    )
    build_threads: int | None = Field(
        None,
        ge=1,
        description=(
            "Threads for embedding in `basis index build`, a one-off batch job (default: every core "
            "this process may use); answers and the bot's own rebuilds keep BASIS_MODEL_THREADS."
        ),
    )
    model_cache_dir: Path = Field(
        default_factory=lambda: Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "basis",
        description=(
            "Where the ONNX model built from the packaged and fine-tuned weights is cached "
            "(default: $XDG_CACHE_HOME/basis, else ~/.cache/basis)."
        ),
    )
    chunk_tokens: int = Field(200, description="Max tiktoken tokens per chunk (fits 256 word pieces).")
    chunk_overlap: int = Field(24, description="Tokens repeated between size-split pieces.")
    ann_threshold: int = Field(50_000, description="Chunks past which faiss uses HNSW, not flat.")
    max_document_bytes: int = Field(
        5_000_000, description="Larger knowledge files are skipped at build time, with the reason."
    )
    build_keep_seconds: float = Field(
        300.0, description="How long a replaced index build is kept for readers still opening it."
    )
    index_poll_seconds: float = Field(
        5.0, ge=0, description="Seconds between `basis run`'s checks for a newly published index (0: off)."
    )

    shared_corpus_dir: Path = Field(
        Path("../shared/corpus"),
        description="Official texts indexed separately, for evaluation and training.",
    )
    corpus_index_dir: Path = Field(Path("index/shared-corpus"), description="Where that index lives.")
    eval_dir: Path = Field(Path("../shared/eval"), description="Question sets `basis eval --all` runs.")

    # Retrieval
    fusion: Literal["rrf", "weighted"] = Field("rrf", description="How dense and lexical ranks merge.")
    rrf_k: int = Field(10, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(0.5, description="Dense share of the weighted fusion score.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    top_k: int = Field(5, description="Passages handed to the answer composer.")
    per_section: int = Field(5, description="Most passages taken from one document section.")
    per_document: int = Field(5, description="Most passages taken from one document.")
    abstain_threshold: float | None = Field(
        None,
        description=(
            "Relevance below which Basis says the question is not covered; unset: the threshold "
            "calibrated with the scope model by `basis ranker train`."
        ),
    )
    max_question_chars: int = Field(600, description="Longer questions are refused politely.")
    stale_after_days: int = Field(
        30, description="Days after which the newest cited date is called stale for a question about now."
    )

    # Optional LLM prose
    llm_url: str | None = Field(None, description="OpenAI-compatible chat-completions URL.")
    llm_model: str = Field("default", description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer token for the LLM endpoint.")
    llm_timeout: float = Field(20.0, description="Seconds before the LLM answer is abandoned.")
    llm_prompt_tokens: int = Field(3000, description="Token budget for passages in the prompt.")

    # Discord
    discord_token: SecretStr | None = Field(
        None, validation_alias="DISCORD_TOKEN", description="Bot token (DISCORD_TOKEN)."
    )
    dev_guild_id: int | None = Field(None, description="Sync commands to this guild only.")
    moderator_role_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated role ids allowed to use /kb."
    )
    discord_mode: Literal["full", "mention", "slash"] = Field(
        "full",
        description=(
            "What Basis listens to: full (mentions, follow-ups in its threads and forum posts; needs "
            "the privileged Message Content intent), mention (mentions and slash commands; no "
            "privileged intent) or slash (slash commands only)."
        ),
    )
    channels: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated channel ids Basis answers in (default: everywhere).",
    )
    forum_channels: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated forum channel ids whose every new post is answered (needs mode full).",
    )
    discord_api_base: str | None = Field(None, description="REST base of a Discord-compatible server.")
    discord_gateway_url: str | None = Field(None, description="Gateway URL of that server.")
    rate_limit_count: int = Field(5, description="Questions a user may ask per window.")
    rate_limit_seconds: float = Field(60.0, description="Length of the rate-limit window.")
    redis_url: str | None = Field(
        None, description="Redis shared by all processes for the rate limit (default: in-process)."
    )
    database_url: SecretStr | None = Field(
        None,
        description="PostgreSQL shared by all processes for feedback, question log, audit and writer lock "
        "(default: SQLite and files in data/).",
    )
    max_upload_bytes: int = Field(2_000_000, description="Largest /kb add file or URL body.")
    fetch_timeout: float = Field(15.0, description="Seconds a URL import may take.")
    url_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Comma-separated host names a URL import may fetch from a private address (an intranet "
            "wiki); metadata and link-local addresses stay refused."
        ),
    )
    shard_count: int | None = Field(
        None, ge=1, description="Gateway shards of the whole bot (default: Discord's recommendation)."
    )
    shard_ids: str | None = Field(
        None, description="Shards this process runs, e.g. 0-3 or 0,2,5-7 (needs BASIS_SHARD_COUNT)."
    )

    # Keeping sources current (`basis sync`, /kb sync)
    sources_file: Path | None = Field(
        None, description="Tracked-sources file (default: sources.yaml in the knowledge directory)."
    )
    ecfr_api_base: str = Field("https://www.ecfr.gov", description="eCFR API base URL.")
    federal_register_api_base: str = Field(
        "https://www.federalregister.gov", description="Federal Register API base URL."
    )
    congress_api_base: str = Field("https://api.congress.gov", description="Congress.gov API base URL.")
    congress_api_key: SecretStr | None = Field(
        None, description="api.data.gov key for Congress.gov; bills are skipped without it."
    )
    sync_timeout: float = Field(30.0, description="Seconds one sync request may take.")
    sync_retries: int = Field(3, description="Retries after a 429 or 5xx before a source fails.")
    sync_max_wait: float = Field(60.0, description="Longest wait honoured from Retry-After (seconds).")
    sync_daily: bool = Field(False, description="Run `basis sync` once a day inside `basis run`.")
    sync_hour_utc: int = Field(6, ge=0, le=23, description="UTC hour of the daily sync.")
    sync_channel_id: int | None = Field(None, description="Moderator channel the daily sync report goes to.")

    # Question log and coverage report
    question_log: bool = Field(True, description="Log Discord questions for the coverage report.")
    question_log_off_guilds: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated guild ids whose questions are not logged."
    )
    question_log_cli: bool = Field(False, description="Also log `basis ask` questions.")
    question_log_days: int = Field(90, description="Days questions and votes are kept.")
    report_days: int = Field(30, description="Days a coverage report looks back by default.")
    report_cluster_distance: float = Field(
        0.4, description="Cosine distance within which declined questions are grouped."
    )
    report_stale_days: int = Field(180, description="Documents whose as_of is older than this are stale.")

    def for_batch_build(self) -> Settings:
        """These settings for a process that only builds an index: embedding a whole corpus in
        batches of long passages gains from every core (740 chunks: 117 s on one thread, 67 s on
        two, on the 2-core CI machine), unlike one short question on a machine busy answering."""
        return self.model_copy(update={"model_threads": self.build_threads or available_cores()})

    @field_validator(
        "moderator_role_ids", "question_log_off_guilds", "channels", "forum_channels", mode="before"
    )
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("url_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        """Host names compare as DNS does: case-insensitive, a trailing dot ignored."""
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            return [str(host).strip().lower().rstrip(".") for host in value if str(host).strip()]
        return value


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`, with explicit overrides winning."""
    return Settings(**overrides)


def setting_problems(error: ValidationError) -> str:
    """One line naming each bad variable, its value and what is allowed, for the person who set
    it (instead of a pydantic report about field names)."""
    return " ".join(_setting_problem(e) for e in error.errors())


def _setting_problem(error: ErrorDetails) -> str:
    name = str(error["loc"][0]) if error["loc"] else ""
    field = Settings.model_fields.get(name)
    alias = field.validation_alias if field is not None else None
    variable = alias if isinstance(alias, str) else f"BASIS_{name.upper()}"
    value = error.get("input")
    shown = f"={value!r}" if isinstance(value, str | int | float) else ""
    return f"{variable}{shown} is not allowed: {error['msg'].rstrip('.')}."
