"""Training a single sigmoid neuron: fit its weight w to twenty labelled points.

The neuron predicts ``p = σ(w x + b0)``, the chance that a point with feature x
carries label 1. Training minimises the mean cross-entropy over the dataset
plus an L2 penalty ``λ w²``:

    L(w) = mean_i [ softplus(z_i) - y_i z_i ] + λ w²,   z_i = w x_i + b0

(``softplus(z) = log(1 + e^z)``; the cross-entropy of one point,
``-y log σ(z) - (1 - y) log(1 - σ(z))``, simplifies to exactly that). The chain
rule through ``z`` with ``σ' = σ (1 - σ)`` gives

    L'(w)  = mean_i [ (σ(z_i) - y_i) x_i ] + 2 λ w
    L''(w) = mean_i [ σ(z_i) (1 - σ(z_i)) x_i² ] + 2 λ

L'' > 0 everywhere, so any λ > 0 leaves exactly one best weight.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scenarios.model import Derived, Param, Reference, Scenario, Variable

# Generated once, then frozen here so the module never draws random numbers:
#   rng = numpy.random.default_rng(5)
#   x = numpy.round(rng.uniform(-3, 3, 20), 2)
#   y = (rng.random(20) < 1 / (1 + numpy.exp(-1.5 * x))).astype(int)
# and sorted by x. Labels follow the sign of x, with six noisy exceptions, so no
# weight classifies every point and the best fit stays finite even as λ → 0.
FEATURES = np.array(
    [
        -2.73, -2.71, -2.68, -2.64, -1.59, -1.29, -0.70, -0.65, -0.55, -0.39,
        -0.04, 0.09, 0.91, 1.06, 1.83, 1.85, 2.07, 2.39, 2.85, 3.00,
    ]
)  # fmt: skip
LABELS = np.array(
    [0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float
)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^-z) without overflow: exp only ever sees -|z| ≤ 0."""
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))  # in (0, 1]; underflows to 0 harmlessly
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def sigmoid_slope(z):
    """σ'(z) = σ(z) (1 - σ(z)), written as σ(z) σ(-z) so it keeps full precision."""
    return sigmoid(z) * sigmoid(-z)


def _logits(weight, bias):
    """z_i = w x_i + b0 for every data point, on a new last axis."""
    w = np.asarray(weight, dtype=float)[..., np.newaxis]
    b = np.asarray(bias, dtype=float)[..., np.newaxis]
    return w * FEATURES + b


POINT_BLOCK = 8192
"""(w, b) pairs whose twenty logits are worked out together: 1.3 MB of
doubles, which stays in a core's cache (twice as fast as one big array)."""


def _over_points(weight, bias, scale, shift, term, weights):
    """Σ_i weights_i · term(scale_i w + shift_i b0) for every (w, b0), by blocks.

    The points run down the first axis of each block, so every ufunc pass
    is one long loop and the sum over the points is one matrix product.
    ``shift`` is one number or one per point; ``term`` works in place on the
    (points, pairs) array.
    """
    w, b = np.broadcast_arrays(
        np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)
    )
    flat_w, flat_b = w.ravel(), b.ravel()
    out = np.empty(flat_w.size)
    for start in range(0, flat_w.size, POINT_BLOCK):
        cut = slice(start, start + POINT_BLOCK)
        t = np.multiply.outer(scale, flat_w[cut])
        t += (
            np.multiply.outer(shift, flat_b[cut])
            if np.ndim(shift)
            else shift * flat_b[cut]
        )
        out[cut] = weights @ term(t)
    return out.reshape(w.shape)


def _tanh(t):
    return np.tanh(t, out=t)


def _tanh_squared(t):
    np.tanh(t, out=t)
    return np.square(t, out=t)


def _softplus(t):
    """log(1 + e^t) in place, as max(t, 0) + log1p(e^-|t|): it never overflows."""
    top = np.maximum(t, 0.0)
    np.abs(t, out=t)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += top
    return t


N = FEATURES.size
# σ(z) = (1 + tanh(z/2)) / 2, so mean_i (σ(z_i) - y_i) x_i is
# Σ_i x_i tanh(z_i / 2) / 2n plus mean_i (1/2 - y_i) x_i, and σ'(z) = σ(z)σ(-z)
# is (1 - tanh²(z/2)) / 4: tanh never overflows, and is one ufunc pass.
SLOPE_AT_ZERO = float(np.mean((0.5 - LABELS) * FEATURES))
CURVATURE_AT_ZERO = float(np.mean(FEATURES**2) / 4.0)
# A point's cross-entropy softplus(z) - y z is softplus(z) for y = 0 and
# softplus(-z) for y = 1: softplus of its logit with the label's sign.
LABEL_SIGNS = 1.0 - 2.0 * LABELS


def cross_entropy(weight, bias, l2_penalty):
    """Mean cross-entropy over the dataset [nats], without the penalty.

    Each point costs softplus(±z): positive, and never overflowing.
    """
    return _over_points(
        weight,
        bias,
        LABEL_SIGNS * FEATURES,
        LABEL_SIGNS,
        _softplus,
        np.full(N, 1.0 / N),
    )


def loss(weight, bias, l2_penalty):
    """Training loss [nats]: mean cross-entropy plus λ w²."""
    return cross_entropy(weight, bias, l2_penalty) + l2_penalty * np.square(weight)


def loss_slope(weight, bias, l2_penalty):
    """dL/dw: each point pushes with (prediction - label) times its feature."""
    pulls = _over_points(weight, bias, FEATURES / 2, 0.5, _tanh, FEATURES / (2 * N))
    return pulls + SLOPE_AT_ZERO + 2.0 * l2_penalty * weight


def loss_curvature(weight, bias, l2_penalty):
    """d²L/dw²: σ'(z) weighs each x², plus 2λ; positive for every w."""
    weights = FEATURES**2 / (4.0 * N)
    saturated = _over_points(weight, bias, FEATURES / 2, 0.5, _tanh_squared, weights)
    return CURVATURE_AT_ZERO - saturated + 2.0 * l2_penalty


def accuracy(weight, bias, l2_penalty):
    """Share of training points on the right side of p = 0.5 [%]."""
    predicted = _logits(weight, bias) >= 0.0
    return 100.0 * np.mean(predicted == (LABELS == 1.0), axis=-1)


SATURATED_BELOW = 0.01
"""σ'(z) below this (|z| above about 4.6) counts as a saturated, silent point."""


def saturation_edge(threshold: float = SATURATED_BELOW) -> float:
    """The |z| beyond which σ'(z) < ``threshold`` (0 < threshold ≤ 1/4).

    σ(1 - σ) = t gives σ = (1 + √(1 - 4t)) / 2, and z = ln(σ / (1 - σ)).
    """
    if not 0 < threshold <= 0.25:
        raise ValueError(f"threshold must be in (0, 1/4], not {threshold!r}")
    root = np.sqrt(1.0 - 4.0 * threshold)
    return float(np.log((1.0 + root) / (1.0 - root)))


@dataclass(frozen=True)
class NeuronPoints:
    """Every training point seen through the neuron at one weight.

    ``sigmoid_slopes`` is σ'(z_i), at most 1/4 and tiny once |z_i| is large.
    ``cross_entropy_pulls`` is each point's term (σ(z_i) - y_i) x_i of the
    cross-entropy gradient; ``squared_error_pulls`` is its term
    2 (σ(z_i) - y_i) σ'(z_i) x_i of the gradient of the mean squared error
    (σ - y)², which carries the σ' factor that the logarithm cancels.
    Gradients are means over the points, without the L2 penalty.
    """

    weight: float
    bias: float
    features: np.ndarray
    labels: np.ndarray
    logits: np.ndarray
    predictions: np.ndarray
    sigmoid_slopes: np.ndarray
    cross_entropy_pulls: np.ndarray
    squared_error_pulls: np.ndarray

    @property
    def cross_entropy_gradient(self) -> float:
        return float(np.mean(self.cross_entropy_pulls))

    @property
    def squared_error_gradient(self) -> float:
        return float(np.mean(self.squared_error_pulls))

    @property
    def saturated(self) -> np.ndarray:
        """Points where σ'(z) < SATURATED_BELOW: the sigmoid is flat there."""
        return self.sigmoid_slopes < SATURATED_BELOW

    @property
    def saturated_share(self) -> float:
        """Fraction of points (0 to 1) on a flat stretch of the sigmoid."""
        return float(np.mean(self.saturated))


def neuron_points(weight: float, bias: float = 0.0) -> NeuronPoints:
    """Logit, prediction, σ' and gradient terms of each point at ``weight``."""
    z = _logits(float(weight), float(bias))
    predictions = sigmoid(z)
    slopes = sigmoid_slope(z)
    error = predictions - LABELS
    return NeuronPoints(
        weight=float(weight),
        bias=float(bias),
        features=FEATURES.copy(),
        labels=LABELS.copy(),
        logits=z,
        predictions=predictions,
        sigmoid_slopes=slopes,
        cross_entropy_pulls=error * FEATURES,
        squared_error_pulls=2.0 * error * slopes * FEATURES,
    )


@dataclass(frozen=True)
class NeuronExtras:
    """What the learning pages show of this scenario besides f: its dataset.

    Declared on the scenario (``SCENARIO.extras["neuron"]``) so pages reach it
    through the declaration, never by importing this module.
    """

    saturated_below: float
    points: Callable[[float, float], NeuronPoints]
    sigmoid: Callable[[np.ndarray], np.ndarray]
    saturation_edge: Callable[[], float]


def weight_range(bias, l2_penalty):
    """Weights from -10 to 10: wide enough to saturate the sigmoid on every point."""
    zero = 0.0 * np.asarray(bias) * np.asarray(l2_penalty)
    return zero - 10.0, zero + 10.0


SCENARIO = Scenario(
    id="single_neuron",
    title="Training a single neuron",
    question="Which weight w makes one sigmoid neuron fit the twenty training points best?",
    goal="minimize",
    variable=Variable("weight", "Weight w", ""),
    objective_label="Training loss",
    objective_unit="nats",
    f=loss,
    df=loss_slope,
    d2f=loss_curvature,
    domain=weight_range,
    params=(
        Param(
            "bias",
            "Bias b0",
            "",
            0.0,
            -3.0,
            3.0,
            0.1,
            "A fixed offset added to w·x before the sigmoid; it shifts where the neuron says 50 %.",
        ),
        Param(
            "l2_penalty",
            "L2 penalty λ",
            "",
            0.01,
            0.001,
            1.0,
            0.001,
            "Cost λ·w² for large weights; any λ above zero makes the best weight unique.",
        ),
    ),
    references=(Reference(0.0, "Untrained (w = 0)"), Reference(5.0, "Overconfident")),
    derived=(
        Derived("cross_entropy", "Cross-entropy", "nats", cross_entropy),
        Derived("accuracy", "Training accuracy", "%", accuracy),
    ),
    formula_tex=(
        r"L(w) = \frac{1}{n}\sum_{i=1}^{n}\Big[-y_i\ln\sigma(z_i)"
        r" - (1-y_i)\ln\big(1-\sigma(z_i)\big)\Big] + \lambda w^2,"
        r"\quad z_i = w\,x_i + b_0"
    ),
    df_tex=(
        r"L'(w) = \frac{1}{n}\sum_{i=1}^{n}\big(\sigma(z_i) - y_i\big)\,x_i"
        r" + 2\lambda w"
    ),
    d2f_tex=(
        r"L''(w) = \frac{1}{n}\sum_{i=1}^{n}\sigma(z_i)\big(1-\sigma(z_i)\big)\,x_i^2"
        r" + 2\lambda"
    ),
    explanation=(
        "The neuron turns w·x + b0 into a probability with the sigmoid σ. The loss "
        "charges −ln of the probability given to each point's true label, so a "
        "confident wrong answer costs a lot and a confident right one almost "
        "nothing. Differentiating through z = w·x + b0 with σ' = σ(1 − σ), the "
        "logarithm cancels the σ' and each point pulls on w with (σ(z) − y)·x: its "
        "prediction error times its feature. The penalty λw² adds 2λw. L'' is a "
        "weighted sum of squares plus 2λ, positive for every w, so the single zero "
        "of L' is the one best weight: about 0.99 at the defaults."
    ),
    order=95,
    tags=("machine learning",),
    extras={
        "neuron": NeuronExtras(SATURATED_BELOW, neuron_points, sigmoid, saturation_edge)
    },
)
