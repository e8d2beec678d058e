"""Poisson pseudo-maximum likelihood (PPML) with fixed effects, offset and separation checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from layofflab.checks import check_choice
from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models._design import (
    ROW_ID,
    SSC,
    as_names,
    build_design,
    dense_codes,
    describe_rows,
    drop_fe_groups,
    drop_nonfinite,
    parse_formula,
    prepare_sample,
    to_polars,
)
from layofflab.models._engine import JackknifeRefits, estimate, names_and_checks, resolve_vcov
from layofflab.models._separation import separated_ir
from layofflab.models._vcov import ssc_rule
from layofflab.models.result import EstimationResult

__all__ = ["PPMLOptions", "ppml"]

_Y = "__ppml_y__"
_OFF = "__ppml_offset__"
SeparationCheck = Literal["zero_groups", "ir"]


@dataclass(frozen=True)
class PPMLOptions:
    """Numerical options of :func:`ppml`.

    Parameters
    ----------
    separation : tuple of {"zero_groups", "ir"}
        Checks to run: drop fixed-effect groups whose outcome is zero throughout, and the
        iterative-rectifier test for separation by the regressors (and fixed effects).
    separation_tol, separation_maxiter : float, int
        Tolerance and iteration cap of the IR check.
    iwls_tol, iwls_maxiter : float, int
        Convergence of the Poisson IRLS fit.

    Examples
    --------
    >>> PPMLOptions().separation
    ('zero_groups', 'ir')
    """

    separation: tuple[SeparationCheck, ...] = ("zero_groups", "ir")
    separation_tol: float = 1e-4
    separation_maxiter: int = 100
    iwls_tol: float = 1e-10
    iwls_maxiter: int = 100

    def __post_init__(self) -> None:
        for s in self.separation:
            check_choice(s, "separation", ("zero_groups", "ir"))
        if not 0 < self.separation_tol < 1:
            raise InvalidArgumentError("separation_tol", self.separation_tol, expected="in (0, 1)")
        if not 0 < self.iwls_tol < 1:
            raise InvalidArgumentError("iwls_tol", self.iwls_tol, expected="in (0, 1)")
        for name in ("separation_maxiter", "iwls_maxiter"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise InvalidArgumentError(name, v, expected="a positive integer")


def ppml(
    df: Any,
    formula: str,
    *,
    fe: Sequence[str] = (),
    cluster: str | Sequence[str] | None = None,
    offset: str | None = None,
    ssc: SSC = "stata",
    vcov: Literal["cluster", "jackknife", "hetero", "iid"] | None = None,
    inference: Literal["t", "normal"] = "t",
    alpha: float = 0.05,
    options: PPMLOptions | None = None,
) -> EstimationResult:
    """Poisson PPML with absorbed fixed effects, an exposure offset and separation checks.

    Separated observations (whose MLE would push the fitted mean to zero) are found
    with fixed-effect groups of all-zero outcomes and the iterative-rectifier method;
    they are dropped, listed in the funnel (``"separation"``, with 0-based input row
    numbers) and in ``info.extra["separated_rows"]``. Regressors that separation leaves
    constant or collinear are dropped and listed in ``info.extra["dropped_collinear"]``.

    Parameters
    ----------
    df : polars.DataFrame or pandas.DataFrame
    formula : str
        ``"cuts ~ x1 + x2"``; the outcome must be non-negative.
    fe : sequence of str
        Absorbed fixed effects.
    cluster : str or list of two str, optional
        One- or two-way clustering.
    offset : str, optional
        Column holding a log exposure (e.g. log headcount), coefficient fixed at 1.
    ssc : {"stata", "conventional", "cluster_only", "none"}
        ``"stata"`` (default) is Stata's ``poisson``/``ppmlhdfe``: G/(G−1) only
        (two-way: min G); ``"conventional"`` adds (N−1)/(N−K) (statsmodels' default).
    vcov : {"cluster", "jackknife", "hetero", "iid"}, optional
        Default ``"cluster"`` (CRV1) when clustered, else ``"hetero"``. ``"jackknife"``:
        CRV3, the leave-one-cluster-out jackknife of MacKinnon, Nielsen & Webb (2023),
        (G-1)/G·Σ(b_(g) - b)(b_(g) - b)' with t(G-1) inference — the count model's
        few-cluster method (each refit through this function, separation checks included;
        validated against statsmodels refits).
    inference : {"t", "normal"}
        ``"t"`` (default): t(G−1) when clustered, else t(N−K); Stata reports the normal.
    alpha : float
        CI level ``1 - alpha``.
    options : PPMLOptions, optional
        Separation and IRLS settings.

    Returns
    -------
    EstimationResult

    Examples
    --------
    The separation primer: x = 1 only where y = 0, so those rows are separated, x is
    dropped and the constant is log(mean of the rest) = log(1.5).

    >>> import polars as pl
    >>> df = pl.DataFrame({"y": [0, 0, 0, 1, 2, 3], "x": [1, 1, 0, 0, 0, 0]})
    >>> res = ppml(df, "y ~ x")
    >>> round(res.coef("Intercept"), 4), res.info.extra["separated_rows"]
    (0.4055, (0, 1))
    >>> res.info.extra["dropped_collinear"]
    ('x',)
    """
    opts = options if options is not None else PPMLOptions()
    if not isinstance(opts, PPMLOptions):
        raise InvalidArgumentError("options", options, expected="a PPMLOptions instance")
    data = to_polars(df)
    fe_t, cl_t = names_and_checks(data, fe, cluster, inference, alpha)
    off_t = as_names(offset, "offset", data, max_len=1)
    rule = ssc_rule(ssc, "ppml")
    vc = resolve_vcov(vcov, cl_t)
    spec = parse_formula(formula, data, estimator="ppml")
    sample = prepare_sample(data, spec, fe=fe_t, cluster=cl_t, extra=off_t)
    design = drop_nonfinite(sample, build_design(sample.data, spec, absorb=bool(fe_t)))
    if (design.y < 0).any():
        raise InvalidArgumentError(
            "formula", formula, expected="a non-negative outcome (PPML); found negative values"
        )
    sample.data = sample.data.with_columns(pl.Series(_Y, design.y))
    separated: list[np.ndarray] = []
    zero_outcome = _Y if "zero_groups" in opts.separation else None
    while True:
        drop_fe_groups(sample, fe_t, zero_outcome)
        design = design.align(sample)
        if not (design.y > 0).any():
            raise EstimationError("ppml", "the outcome is zero in every remaining row")
        if "ir" not in opts.separation:
            break
        flist = (
            np.column_stack([dense_codes(sample.data[f]) for f in fe_t]).astype(np.uint64)
            if fe_t
            else None
        )
        mask = separated_ir(
            design.y, design.X, flist, tol=opts.separation_tol, maxiter=opts.separation_maxiter
        )
        if not mask.any():
            break
        ids = design.rows[mask]
        separated.append(ids)
        hit = pl.Series(np.isin(sample.data[ROW_ID].to_numpy(), ids))
        sample.drop(hit, "separation", describe_rows(ids))
        design = design.align(sample)
        if not fe_t:
            break
    extra: dict[str, Any] = {}
    sep_ids = np.sort(np.concatenate(separated)) if separated else np.array([], dtype=int)
    extra["separated_rows"] = tuple(int(i) for i in sep_ids)
    off = sample.data[off_t[0]].to_numpy().astype(float) if off_t else None
    if off_t:
        extra["offset"] = off_t[0]
    refits = None
    if vc == "jackknife" and fe_t:
        refits = _delete_one_refits(
            data, formula, fe=fe_t, cluster=cl_t[0], offset=off_t, options=opts
        )
    return estimate(
        "ppml",
        sample,
        design,
        formula=formula,
        fe=fe_t,
        cluster=cl_t,
        vcov=vc,
        ssc=ssc,
        rule=rule,
        inference=inference,
        alpha=alpha,
        offset=off,
        extra=extra,
        iwls_tol=opts.iwls_tol,
        iwls_maxiter=opts.iwls_maxiter,
        refits=refits,
    )


def _delete_one_refits(
    data: pl.DataFrame,
    formula: str,
    *,
    fe: tuple[str, ...],
    cluster: str,
    offset: tuple[str, ...],
    options: PPMLOptions,
) -> JackknifeRefits:
    """CRV3's leave-one-cluster-out fits, each through :func:`ppml` itself.

    Every refit runs the separation checks and fixed-effect group drops on its own subsample
    (pyfixest's own CRV3 refits do not, and its demeaner aborts the process on a degenerate
    one). The jackknife is undefined when a refit fails or loses a term: that raises
    :class:`EstimationError` naming the cluster left out, never a variance from fewer refits.
    """

    def refits(names: list[str], beta: np.ndarray) -> np.ndarray:
        groups = data.get_column(cluster).drop_nulls().unique(maintain_order=True).sort()
        deviations = []
        for g in groups.to_list():
            sub = data.filter(pl.col(cluster) != g)
            try:
                r = ppml(
                    sub,
                    formula,
                    fe=fe,
                    offset=offset[0] if offset else None,
                    vcov="iid",
                    options=options,
                )
            except EstimationError as exc:
                raise EstimationError(
                    "ppml", f"CRV3 jackknife undefined: without {cluster} = {g}, {exc.problem}"
                ) from exc
            got = dict(zip(r.table["term"].to_list(), r.table["estimate"].to_list(), strict=True))
            missing = [n for n in names if n not in got]
            if missing:
                raise EstimationError(
                    "ppml",
                    f"CRV3 jackknife undefined: without {cluster} = {g}, "
                    f"{', '.join(missing)} cannot be estimated",
                )
            deviations.append(np.array([got[n] for n in names]) - beta)
        D = np.vstack(deviations)
        return D.T @ D

    return refits
