"""A learned linear scorer over `features.NAMES`, stored as JSON and applied with numpy.

It is trained by `basis ranker train` (scikit-learn logistic regression, seeded,
from committed questions; see `bot/ranking/train.py`). Serving needs no
scikit-learn: the standardisation and the coefficients are all there is, so a
score is one dot product and loading costs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.errors import ConfigError

MODELS = Path(__file__).parent / "models"


@dataclass(frozen=True)
class LinearModel:
    """Probability that a candidate answers the question: sigmoid(w · standardised(x) + b)."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    trained_on: str = ""
    threshold: float | None = None  # scope model: the calibrated decline threshold

    def scores(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0, dtype=np.float64)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, object]:
        return {
            "names": list(self.names),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
            "trained_on": self.trained_on,
            **({"threshold": round(self.threshold, 6)} if self.threshold is not None else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LinearModel:
        return cls(
            names=tuple(data["names"]),  # type: ignore[arg-type]
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
            trained_on=str(data.get("trained_on", "")),
            threshold=float(data["threshold"]) if data.get("threshold") is not None else None,  # type: ignore[arg-type]
        )


def load_model(name: str, expected: list[str]) -> LinearModel:
    """The committed model `name`; an error that says to retrain when its features differ."""
    path = MODELS / f"{name}.json"
    try:
        model = LinearModel.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"The ranking model {path} is missing or unreadable ({exc}); run `basis ranker train`."
        ) from exc
    if list(model.names) != expected:
        raise ConfigError(
            f"The ranking model {path} was trained on other features; run `basis ranker train`."
        )
    return model


def save_model(name: str, model: LinearModel) -> Path:
    MODELS.mkdir(parents=True, exist_ok=True)
    path = MODELS / f"{name}.json"
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n")
    return path
