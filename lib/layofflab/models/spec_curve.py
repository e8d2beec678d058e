"""Specification curves: one call runs a declared grid of regressions, in parallel.

A :class:`SpecGrid` declares the dimensions (outcomes × treatments × lags × fixed
effects × samples); :func:`spec_curve` runs :func:`~layofflab.models.panel_ols.panel_ols`
or :func:`~layofflab.models.ppml.ppml` on every combination and returns one tidy row
per specification. Work is spread over local processes (joblib's ``loky`` backend) or,
given a ``dask.distributed`` client, over that cluster; the answer does not depend on
where it ran.

A lag ``L`` uses the treatment of the same unit ``L`` periods earlier (matched on the
period value, so gaps in a unit's history give nulls, never the wrong quarter). A
specification that cannot be estimated gets null estimates and its reason in ``error``.

Examples
--------
>>> from layofflab.models.simulate import simulate_panel
>>> df = simulate_panel(n_firms=40, n_periods=8, seed=0).with_columns(
...     pl.col("treated").cast(pl.Float64))
>>> grid = SpecGrid(outcomes=["log_intensity"], treatments=["treated"], lags=[0, 1],
...                 fixed_effects=[["firm", "period"]],
...                 samples={"all": None, "big": pl.col("headcount") > 10_000})
>>> len(grid)
4
>>> out = spec_curve(df, grid=grid, unit="firm", time="period", cluster="firm", n_jobs=1)
>>> out.select("lag", "sample", "n_obs").rows()
[(0, 'all', 320), (0, 'big', 248), (1, 'all', 280), (1, 'big', 217)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from layofflab.checks import check_scalar
from layofflab.errors import EstimationError, InvalidArgumentError, LayofflabError
from layofflab.models.result import STAT_SCHEMA

__all__ = ["SPEC_COLUMNS", "SpecGrid", "spec_curve"]

#: Columns of the frame :func:`spec_curve` returns, in order.
_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "spec_id": pl.Int64,
    "outcome": pl.String,
    "treatment": pl.String,
    "lag": pl.Int64,
    "fixed_effects": pl.String,
    "sample": pl.String,
    **STAT_SCHEMA,
    "n_obs": pl.Int64,
    "n_clusters": pl.Int64,
    "error": pl.String,
}
#: Columns of the frame :func:`spec_curve` returns, in order.
SPEC_COLUMNS: tuple[str, ...] = tuple(_SCHEMA)
#: One specification as the workers get it: (spec_id, outcome, treatment, lag, fixed effects,
#: sample name, sample filter).
_Spec = tuple[int, str, str, int, Sequence[str], str, pl.Expr | None]


def _str_tuple(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    try:
        out = tuple(value)
    except TypeError:
        raise InvalidArgumentError(name, value, expected="a sequence of column names") from None
    if not all(isinstance(v, str) for v in out):
        raise InvalidArgumentError(name, value, expected="a sequence of column names")
    return out


@dataclass(frozen=True, eq=False)
class SpecGrid:
    """The declared grid of a specification curve.

    Parameters
    ----------
    outcomes, treatments : sequence of str
        Outcome and treatment columns (at least one each).
    lags : sequence of int
        Treatment lags in periods (>= 0); 0 is the contemporaneous treatment.
    fixed_effects : sequence of sequences of str
        Fixed-effect sets; ``[]`` means none.
    samples : mapping of str to polars expression or None
        Named row filters; ``None`` keeps every row.

    Examples
    --------
    >>> g = SpecGrid(outcomes=["y1", "y2"], treatments="x", lags=[0, 1, 2],
    ...              fixed_effects=[[], ["firm"]])
    >>> len(g), g.fixed_effects, list(g.samples)
    (12, ((), ('firm',)), ['all'])
    >>> g.specs().columns
    ['spec_id', 'outcome', 'treatment', 'lag', 'fixed_effects', 'sample']
    """

    outcomes: Sequence[str]
    treatments: Sequence[str]
    lags: Sequence[int] = (0,)
    fixed_effects: Sequence[Sequence[str]] = ((),)
    samples: Mapping[str, pl.Expr | None] = field(default_factory=lambda: {"all": None})

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "outcomes", _str_tuple("outcomes", self.outcomes))
        put(self, "treatments", _str_tuple("treatments", self.treatments))
        lags = tuple(self.lags) if not isinstance(self.lags, int) else (self.lags,)
        if not lags:
            raise InvalidArgumentError("lags", self.lags, expected="integers ≥ 0")
        for v in lags:
            check_scalar(v, "lags", int, min_val=0)
        put(self, "lags", lags)
        fes = tuple(_str_tuple("fixed_effects", f) for f in self.fixed_effects)
        put(self, "fixed_effects", fes)
        if not isinstance(self.samples, Mapping) or not all(
            isinstance(k, str) and (v is None or isinstance(v, pl.Expr))
            for k, v in self.samples.items()
        ):
            raise InvalidArgumentError(
                "samples", self.samples, expected="a mapping of names to polars expressions"
            )
        put(self, "samples", dict(self.samples))
        for name in ("outcomes", "treatments", "fixed_effects", "samples"):
            if not getattr(self, name):
                raise InvalidArgumentError(name, getattr(self, name), expected="at least one")
        for name in ("outcomes", "treatments", "lags", "fixed_effects"):
            if len(set(getattr(self, name))) != len(getattr(self, name)):
                raise InvalidArgumentError(name, getattr(self, name), expected="no duplicates")

    def __len__(self) -> int:
        return (
            len(self.outcomes)
            * len(self.treatments)
            * len(self.lags)
            * len(self.fixed_effects)
            * len(self.samples)
        )

    def combinations(self) -> list[tuple[str, str, int, Sequence[str], str]]:
        """Every specification ``(outcome, treatment, lag, fixed_effects, sample)`` in order."""
        return list(
            itertools.product(
                self.outcomes, self.treatments, self.lags, self.fixed_effects, list(self.samples)
            )
        )

    def specs(self) -> pl.DataFrame:
        """The grid as a frame, one row per specification (the first six result columns)."""
        rows = [
            (i, o, t, lag, _fe_label(fe), s)
            for i, (o, t, lag, fe, s) in enumerate(self.combinations())
        ]
        return pl.DataFrame(rows, schema={k: _SCHEMA[k] for k in SPEC_COLUMNS[:6]}, orient="row")

    def columns(self) -> set[str]:
        """Columns of the data the grid refers to."""
        cols = {*self.outcomes, *self.treatments, *itertools.chain(*self.fixed_effects)}
        for expr in self.samples.values():
            if expr is not None:
                cols.update(expr.meta.root_names())
        return cols


def _fe_label(fe: Sequence[str]) -> str:
    return " + ".join(fe) if fe else "none"


def _lag_name(treatment: str, lag: int) -> str:
    return treatment if lag == 0 else f"{treatment}__lag{lag}"


def _add_lags(df: pl.DataFrame, grid: SpecGrid, unit: str | None, time: str | None) -> pl.DataFrame:
    lags = [lag for lag in grid.lags if lag > 0]
    if not lags:
        return df
    if unit is None or time is None:
        raise InvalidArgumentError("unit", unit, expected="unit and time columns when lags > 0")
    if not df.schema[time].is_integer():
        raise InvalidArgumentError("time", time, expected="an integer period column")
    if df.select(pl.struct(unit, time).is_duplicated().any()).item():
        raise InvalidArgumentError("unit", unit, expected=f"one row per {unit} and {time}")
    for lag in lags:
        shifted = df.select(
            unit,
            (pl.col(time) + lag).alias(time),
            *[pl.col(t).alias(_lag_name(t, lag)) for t in grid.treatments],
        )
        df = df.join(shifted, on=[unit, time], how="left", maintain_order="left")
    return df


def _run_one(data: pl.DataFrame, spec: _Spec, settings: dict[str, Any]) -> dict[str, Any]:
    from layofflab.models.panel_ols import panel_ols
    from layofflab.models.ppml import ppml

    spec_id, outcome, treatment, lag, fe, _name, sample = spec
    row: dict[str, Any] = {"spec_id": spec_id, "n_obs": None, "n_clusters": None, "error": None}
    sub = data if sample is None else data.filter(sample)
    sub = sub.with_columns(
        pl.col(outcome).alias("_y"), pl.col(_lag_name(treatment, lag)).alias("_x")
    )
    formula = " + ".join(["_y ~ _x", *settings["controls"]])
    kw = {
        "fe": list(fe),
        "cluster": settings["cluster"],
        "ssc": settings["ssc"],
        "alpha": settings["alpha"],
    }
    try:
        if settings["estimator"] == "ppml":
            res = ppml(sub, formula, offset=settings["offset"], **kw)
        else:
            res = panel_ols(sub, formula, **kw)
        est = res.table.filter(pl.col("term") == "_x")
        if est.height != 1:
            raise EstimationError(
                "spec_curve", "the treatment was dropped (collinear or separated)"
            )
        row |= est.drop("term").row(0, named=True)
        row["n_obs"] = res.info.n_obs
        row["n_clusters"] = min(res.info.n_clusters.values()) if res.info.n_clusters else None
    except (LayofflabError, ValueError, np.linalg.LinAlgError) as exc:
        # ValueError: pyfixest's own (e.g. "All variables are collinear")
        row["error"] = f"{type(exc).__name__}: {exc}"
    return row


def _run_batch(
    data: pl.DataFrame, batch: list[_Spec], settings: dict[str, Any]
) -> list[dict[str, Any]]:
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"(?s).*The inplace keyword")
        return [_run_one(data, spec, settings) for spec in batch]


def spec_curve(
    df: pl.DataFrame,
    *,
    grid: SpecGrid | None = None,
    outcomes: Sequence[str] | None = None,
    treatments: Sequence[str] | None = None,
    lags: Sequence[int] = (0,),
    fixed_effects: Sequence[Sequence[str]] = ((),),
    samples: Mapping[str, pl.Expr | None] | None = None,
    unit: str | None = None,
    time: str | None = None,
    estimator: Literal["ols", "ppml"] = "ols",
    cluster: str | Sequence[str] | None = None,
    offset: str | None = None,
    controls: Sequence[str] = (),
    ssc: Literal["stata", "conventional", "cluster_only", "none"] = "stata",
    alpha: float = 0.05,
    n_jobs: int = -1,
    client: Any = None,
) -> pl.DataFrame:
    """Run every specification of a grid and return one tidy row per specification.

    Parameters
    ----------
    df : polars.DataFrame
        Panel data.
    grid : SpecGrid, optional
        The grid; or give ``outcomes``, ``treatments``, ``lags``, ``fixed_effects``
        and ``samples`` directly (see :class:`SpecGrid`), not both.
    unit, time : str, optional
        Unit and integer period columns, needed for lags > 0.
    estimator : {"ols", "ppml"}
        :func:`panel_ols` or :func:`ppml` (with ``offset``, e.g. log headcount).
    cluster : str or list of two str, optional
        Cluster variable(s), as in :func:`panel_ols`.
    offset : str, optional
        Offset column for PPML.
    controls : sequence of str
        Right-hand-side terms added to every specification.
    ssc, alpha
        Passed to the estimator.
    n_jobs : int
        Local worker processes (joblib ``loky``); ``1`` runs in this process, ``-1``
        uses every core. Ignored when ``client`` is given.
    client : dask.distributed.Client, optional
        Run the batches on this Dask cluster instead.

    Returns
    -------
    polars.DataFrame
        Columns :data:`SPEC_COLUMNS`, one row per specification in grid order:
        the grid dimensions (``fixed_effects`` as ``"firm + period"`` or ``"none"``),
        the treatment's tidy statistics, ``n_obs``, ``n_clusters`` (the smaller one
        when two-way) and ``error`` (null when estimated).

    Examples
    --------
    >>> from layofflab.models.simulate import simulate_panel
    >>> df = simulate_panel(n_firms=30, n_periods=6, seed=1).with_columns(
    ...     pl.col("treated").cast(pl.Float64), pl.col("headcount").log().alias("lh"))
    >>> out = spec_curve(df, outcomes=["cuts"], treatments=["treated"],
    ...                  fixed_effects=[["firm"], ["firm", "period"]], estimator="ppml",
    ...                  offset="lh", cluster="firm", n_jobs=1)
    >>> out["fixed_effects"].to_list(), out["error"].to_list()
    (['firm', 'firm + period'], [None, None])
    """
    if not isinstance(df, pl.DataFrame):
        raise InvalidArgumentError("df", type(df).__name__, expected="a polars DataFrame")
    if grid is None:
        if outcomes is None or treatments is None:
            raise InvalidArgumentError(
                "grid", grid, expected="a SpecGrid or outcomes and treatments"
            )
        grid = SpecGrid(
            outcomes=outcomes,
            treatments=treatments,
            lags=lags,
            fixed_effects=fixed_effects,
            samples=samples if samples is not None else {"all": None},
        )
    elif not isinstance(grid, SpecGrid) or outcomes is not None or treatments is not None:
        raise InvalidArgumentError("grid", grid, expected="a SpecGrid, without outcomes/treatments")
    if estimator not in ("ols", "ppml"):
        raise InvalidArgumentError("estimator", estimator, expected="'ols' or 'ppml'")
    if offset is not None and estimator != "ppml":
        raise InvalidArgumentError("offset", offset, expected="None unless estimator='ppml'")
    if check_scalar(n_jobs, "n_jobs", int) == 0:
        raise InvalidArgumentError("n_jobs", n_jobs, expected="a non-zero integer")
    clusters = [] if cluster is None else [cluster] if isinstance(cluster, str) else list(cluster)
    needed = grid.columns() | set(clusters) | {c for c in (unit, time, offset) if c}
    missing = sorted(needed - set(df.columns))
    if missing:
        raise InvalidArgumentError("df", missing, expected="columns named in the grid")

    in_controls = {
        c for c in df.columns if any(re.search(rf"\b{re.escape(c)}\b", t) for t in controls)
    }
    keep = sorted(needed | in_controls)
    data = _add_lags(df.select(keep), grid, unit, time)
    settings: dict[str, Any] = {
        "estimator": estimator,
        "cluster": cluster,
        "offset": offset,
        "controls": list(controls),
        "ssc": ssc,
        "alpha": alpha,
    }
    specs: list[_Spec] = [
        (i, o, t, lag, fe, s, grid.samples[s])
        for i, (o, t, lag, fe, s) in enumerate(grid.combinations())
    ]

    if client is not None:
        rows = _run_dask(client, data, specs, settings)
    elif n_jobs == 1:
        rows = _run_batch(data, specs, settings)
    else:
        rows = _run_loky(data, specs, settings, n_jobs)
    stats = pl.DataFrame(
        rows,
        schema={k: _SCHEMA[k] for k in SPEC_COLUMNS if k not in SPEC_COLUMNS[1:6]},
        orient="row",
    )
    return grid.specs().join(stats, on="spec_id", how="left").sort("spec_id").select(SPEC_COLUMNS)


def _batches(specs: list[_Spec], n_workers: int) -> list[list[_Spec]]:
    n = max(1, min(len(specs), 4 * n_workers))
    return [specs[i::n] for i in range(n)]


def _run_loky(
    data: pl.DataFrame, specs: list[_Spec], settings: dict[str, Any], n_jobs: int
) -> list[dict[str, Any]]:
    from joblib import Parallel, cpu_count, delayed

    workers = cpu_count() if n_jobs < 0 else n_jobs
    out = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_run_batch)(data, b, settings) for b in _batches(specs, workers)
    )
    return [row for batch in out for row in batch]


def _run_dask(
    client: Any, data: pl.DataFrame, specs: list[_Spec], settings: dict[str, Any]
) -> list[dict[str, Any]]:
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    shared = client.scatter(data, broadcast=True)
    futures = [
        client.submit(_run_batch, shared, b, settings, pure=False)
        for b in _batches(specs, n_workers)
    ]
    return [row for batch in client.gather(futures) for row in batch]
