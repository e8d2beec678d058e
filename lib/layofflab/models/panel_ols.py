"""Panel OLS with absorbed fixed effects and one- or two-way cluster-robust inference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from layofflab.errors import InvalidArgumentError
from layofflab.models._design import (
    SSC,
    build_design,
    drop_fe_groups,
    drop_nonfinite,
    parse_formula,
    prepare_sample,
    to_polars,
)
from layofflab.models._engine import estimate, names_and_checks, resolve_vcov
from layofflab.models._vcov import ssc_rule
from layofflab.models.result import EstimationResult

__all__ = ["OLSOptions", "panel_ols"]


@dataclass(frozen=True)
class OLSOptions:
    """Bundle of :func:`panel_ols` options, e.g. to reuse across a specification grid.

    Examples
    --------
    >>> opts = OLSOptions(fe=("firm",), cluster="firm")
    >>> opts.ssc
    'stata'
    """

    fe: tuple[str, ...] = ()
    cluster: str | tuple[str, ...] | None = None
    ssc: SSC = "stata"
    vcov: Literal["cluster", "jackknife", "hetero", "iid"] | None = None
    inference: Literal["t", "normal"] = "t"
    alpha: float = 0.05

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`panel_ols`."""
        return {
            "fe": list(self.fe),
            "cluster": list(self.cluster) if isinstance(self.cluster, tuple) else self.cluster,
            "ssc": self.ssc,
            "vcov": self.vcov,
            "inference": self.inference,
            "alpha": self.alpha,
        }


def panel_ols(
    df: Any,
    formula: str,
    *,
    fe: Sequence[str] = (),
    cluster: str | Sequence[str] | None = None,
    ssc: SSC = "stata",
    vcov: Literal["cluster", "jackknife", "hetero", "iid"] | None = None,
    inference: Literal["t", "normal"] = "t",
    alpha: float = 0.05,
    options: OLSOptions | None = None,
) -> EstimationResult:
    """Linear regression with absorbed fixed effects and cluster-robust standard errors.

    Parameters
    ----------
    df : polars.DataFrame or pandas.DataFrame
        Data, one row per observation.
    formula : str
        ``"y ~ x1 + x2"`` (formulaic syntax: ``C(g)``, ``x1:x2``, ``np.log(x)``...).
        Fixed effects are not written in the formula; pass them as ``fe``.
    fe : sequence of str
        Columns whose fixed effects are absorbed (none, one or several). Singleton
        groups are dropped (iteratively) and reported in the funnel.
    cluster : str or list of two str, optional
        One-way or two-way (Cameron–Gelbach–Miller) clustering.
    ssc : {"stata", "conventional", "cluster_only", "none"}
        Small-sample convention. ``"stata"`` (default) is Stata's ``regress``/``reghdfe``:
        (G/(G-1))·((N-1)/(N-K)), K excluding fixed effects nested in the cluster; for
        two-way clustering every term uses min(G1, G2) (``ivreg2, small``).
        ``"conventional"`` gives each two-way term its own G_i/(G_i-1) (Petersen's
        published two-way SEs, statsmodels); ``"cluster_only"``: G/(G-1) only;
        ``"none"``: CRV0/HC0.
    vcov : {"cluster", "jackknife", "hetero", "iid"}, optional
        Default: ``"cluster"`` (CRV1) when ``cluster`` is given, else ``"hetero"`` (HC1).
        ``"jackknife"``: CRV3, the leave-one-cluster-out jackknife of MacKinnon, Nielsen &
        Webb (2023), (G-1)/G·Σ(b_(g) - b)(b_(g) - b)', one cluster variable; more reliable
        than CRV1 with few clusters.
    inference : {"t", "normal"}
        ``"t"``: p-values and CIs from t(G−1) when clustered (two-way: min G − 1),
        else t(N − K); ``"normal"``: standard normal.
    alpha : float
        CI level is ``1 - alpha``.
    options : OLSOptions, optional
        When given, its fields replace ``fe``, ``cluster``, ``ssc``, ``vcov``,
        ``inference`` and ``alpha``.

    Returns
    -------
    EstimationResult
        ``table`` (tidy coefficients), ``funnel`` (rows dropped per step) and ``info``.

    Raises
    ------
    InvalidArgumentError
        Unknown column, bad formula, unknown ``ssc``, cluster with a single group...
    EstimationError
        Nothing left to estimate.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"firm": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "x": [0., 1, 0, 1, 1, 0, 2, 1],
    ...                    "y": [0.1, 1.2, 0.3, 1.1, 2.0, 1.1, 2.9, 2.2]})
    >>> res = panel_ols(df, "y ~ x", fe=["firm"], cluster="firm")
    >>> round(res.coef("x"), 4), res.info.n_clusters, res.info.df_inference
    (0.875, {'firm': 4}, 3.0)
    """
    if options is not None:
        if not isinstance(options, OLSOptions):
            raise InvalidArgumentError("options", options, expected="an OLSOptions instance")
        kw = options.kwargs()
        fe, cluster, ssc, vcov = kw["fe"], kw["cluster"], kw["ssc"], kw["vcov"]
        inference, alpha = kw["inference"], kw["alpha"]
    data = to_polars(df)
    fe_t, cl_t = names_and_checks(data, fe, cluster, inference, alpha)
    rule = ssc_rule(ssc, "ols")
    vc = resolve_vcov(vcov, cl_t)
    spec = parse_formula(formula, data, estimator="panel_ols")
    sample = prepare_sample(data, spec, fe=fe_t, cluster=cl_t)
    design = drop_nonfinite(sample, build_design(sample.data, spec, absorb=bool(fe_t)))
    drop_fe_groups(sample, fe_t, None)
    design = design.align(sample)
    return estimate(
        "ols",
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
    )
