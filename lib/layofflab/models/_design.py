"""Shared internals of the estimators: input validation, the sample funnel, model matrices.

Every estimator goes through :func:`prepare_sample` (drop rows with missing values per
column, singleton fixed-effect groups and, for PPML, all-zero outcome groups, recording
each step) and :func:`build_design` (formulaic model matrix with stable term names).
Not public API.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"y": [1.0, None, 3.0, 4.0, 2.0], "x": [1.0, 2.0, 3.0, 5.0, 1.0],
...                    "firm": ["a", "a", "b", "a", "c"]})
>>> spec = parse_formula("y ~ x", df)
>>> s = prepare_sample(df, spec, fe=("firm",), cluster=())
>>> drop_fe_groups(s, ("firm",), None)
>>> s.funnel["step"].to_list(), s.funnel["rows_remaining"].to_list()
(['input', 'missing values', 'singletons'], [5, 4, 2])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from formulaic import Formula, model_matrix

from layofflab.errors import EstimationError, InvalidArgumentError
from layofflab.models.result import funnel_frame

#: Small-sample conventions accepted by ``ssc=``.
SSC = Literal["stata", "conventional", "cluster_only", "none"]
SSC_VALUES: tuple[str, ...] = ("stata", "conventional", "cluster_only", "none")
ROW_ID = "__row_id__"
INTERCEPT = "Intercept"


def to_polars(df: Any) -> pl.DataFrame:
    """Accept a polars or pandas DataFrame; return polars."""
    if isinstance(df, pl.DataFrame):
        return df
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(df, pd.DataFrame):
        return pl.from_pandas(df)
    raise InvalidArgumentError("df", type(df).__name__, expected="a polars or pandas DataFrame")


@dataclass(frozen=True)
class FormulaSpec:
    """A parsed ``"y ~ x1 + x2"`` formula."""

    formula: str
    lhs: str
    rhs: str
    variables: tuple[str, ...]
    #: The estimator the formula is for (named in errors).
    estimator: str = "model"


def parse_formula(formula: Any, df: pl.DataFrame, *, estimator: str = "model") -> FormulaSpec:
    """Parse a one-sided-response formula and check its variables are columns of ``df``."""
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise InvalidArgumentError(
            "formula", formula, expected="a string 'y ~ x1 + x2' with exactly one '~'"
        )
    if "|" in formula:
        raise InvalidArgumentError(
            "formula", formula, expected="no '|': pass fixed effects with fe=[...]"
        )
    lhs, rhs = (p.strip() for p in formula.split("~"))
    if not lhs or not rhs:
        raise InvalidArgumentError("formula", formula, expected="a response and regressors")
    try:
        variables = Formula(formula).required_variables
    except Exception as exc:
        raise InvalidArgumentError("formula", formula, expected=f"a valid formula ({exc})") from exc
    missing = sorted(v for v in variables if v not in df.columns)
    if missing:
        raise InvalidArgumentError(
            "formula", formula, expected=f"variables that are columns of df; missing {missing}"
        )
    ordered = tuple(c for c in df.columns if c in variables)
    return FormulaSpec(formula=formula, lhs=lhs, rhs=rhs, variables=ordered, estimator=estimator)


def as_names(
    value: Any, arg: str, df: pl.DataFrame, *, max_len: int | None = None
) -> tuple[str, ...]:
    """Normalise ``None | str | sequence of str`` to a tuple of column names of ``df``."""
    if value is None:
        names: tuple[str, ...] = ()
    elif isinstance(value, str):
        names = (value,)
    elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        names = tuple(value)
    else:
        raise InvalidArgumentError(arg, value, expected="None, a column name or a list of names")
    if len(set(names)) != len(names):
        raise InvalidArgumentError(arg, value, expected="distinct column names")
    if max_len is not None and len(names) > max_len:
        raise InvalidArgumentError(arg, value, expected=f"at most {max_len} column names")
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise InvalidArgumentError(arg, value, expected=f"columns of df; missing {missing}")
    return names


@dataclass
class Sample:
    """The estimation sample after the funnel steps."""

    data: pl.DataFrame  # needed columns + ROW_ID
    steps: list[tuple[str, int, str]]
    n_input: int
    dropped: dict[str, np.ndarray] = field(default_factory=dict)
    estimator: str = "model"

    @property
    def funnel(self) -> pl.DataFrame:
        return funnel_frame(self.n_input, self.steps)

    def drop(self, mask: pl.Series | pl.Expr, step: str, detail: str) -> int:
        """Drop rows where ``mask`` is true; record the step when it drops something."""
        flagged = self.data.filter(mask)
        if flagged.height == 0:
            return 0
        self.data = self.data.filter(~mask if isinstance(mask, pl.Expr) else mask.not_())
        ids = flagged[ROW_ID].to_numpy()
        self.dropped[step] = np.concatenate([self.dropped.get(step, np.array([], int)), ids])
        self.steps.append((step, flagged.height, detail))
        return flagged.height


def _bad(col: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(col).is_null()
    if dtype.is_float():
        expr = expr | ~pl.col(col).is_finite()
    return expr


def prepare_sample(
    df: pl.DataFrame,
    spec: FormulaSpec,
    *,
    fe: tuple[str, ...],
    cluster: tuple[str, ...],
    extra: tuple[str, ...] = (),
) -> Sample:
    """Select the needed columns and drop rows with a missing (or non-finite) value, per column.

    Fixed-effect groups are pruned afterwards with :func:`drop_fe_groups`.
    """
    needed = list(dict.fromkeys([*spec.variables, *fe, *cluster, *extra]))
    if ROW_ID in df.columns:
        raise InvalidArgumentError("df", ROW_ID, expected=f"no column named {ROW_ID!r}")
    data = df.select(needed).with_row_index(ROW_ID)
    sample = Sample(data=data, steps=[], n_input=df.height, estimator=spec.estimator)
    for col in needed:
        sample.drop(_bad(col, data.schema[col]), "missing values", f"column {col!r}")
    if sample.data.height == 0:
        raise EstimationError(spec.estimator, "no rows left after dropping missing values")
    return sample


def dense_codes(series: pl.Series) -> np.ndarray:
    """Integer codes 0..L-1 in sorted order of the values (fast path for integer columns).

    Examples
    --------
    >>> dense_codes(pl.Series([30, 10, 30, 20])).tolist()
    [2, 0, 2, 1]
    >>> dense_codes(pl.Series(["b", "a", "b"])).tolist()
    [1, 0, 1]
    """
    if series.dtype.is_integer() and series.len() and series.null_count() == 0:
        a = series.to_numpy()
        lo, hi = int(a.min()), int(a.max())
        if hi - lo <= 4 * a.size + 1024:
            shifted = (a - lo).astype(np.int64)
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[shifted] = True
            return (np.cumsum(present) - 1)[shifted]
    return series.rank("dense").to_numpy().astype(np.int64) - 1


def drop_fe_groups(sample: Sample, fe: tuple[str, ...], zero_outcome: str | None) -> None:
    """Iteratively drop singleton FE groups (and all-zero outcome groups when given)."""
    if not fe:
        return
    while True:
        changed = 0
        if zero_outcome is not None:
            for f in fe:
                codes = dense_codes(sample.data[f])
                nonzero = np.bincount(codes, weights=(sample.data[zero_outcome] != 0).to_numpy())
                mask = nonzero[codes] == 0
                if mask.any():
                    changed += sample.drop(pl.Series(mask), "all-zero outcome groups", f"fe {f!r}")
        for f in fe:
            codes = dense_codes(sample.data[f])
            mask = np.bincount(codes)[codes] == 1
            if mask.any():
                changed += sample.drop(pl.Series(mask), "singletons", f"fe {f!r}")
        if not changed or len(fe) == 1:
            break
    if sample.data.height == 0:
        raise EstimationError(
            sample.estimator, "no rows left after dropping singleton / all-zero groups"
        )


@dataclass(frozen=True)
class Design:
    """Numeric response, regressor matrix and names built from the sample."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    rows: np.ndarray  # ROW_ID of each row

    def align(self, sample: Sample) -> Design:
        """Keep the rows still in ``sample`` (after funnel steps that ran on the data)."""
        keep = np.isin(self.rows, sample.data[ROW_ID].to_numpy())
        if keep.all():
            return self
        return Design(self.y[keep], self.X[keep], self.names, self.rows[keep])


def _plain_design(data: pl.DataFrame, spec: FormulaSpec, absorb: bool) -> Design | None:
    """Fast path for ``y ~ a + b`` with numeric columns only (same result as formulaic)."""
    try:
        terms = [str(t) for t in Formula(spec.formula).rhs]
    except Exception:
        return None
    cols = [t for t in terms if t != "1"]
    numeric = all(
        c in data.columns and (data.schema[c].is_float() or data.schema[c].is_integer())
        for c in [spec.lhs, *cols]
    )
    if not numeric or len(set(cols)) != len(cols) or terms.count("1") > 1:
        return None
    names = ([INTERCEPT] if "1" in terms and not absorb else []) + cols
    if not names:
        return None
    X = np.empty((data.height, len(names)))
    for j, n in enumerate(names):
        X[:, j] = 1.0 if n == INTERCEPT else data[n].to_numpy()
    y = data[spec.lhs].cast(pl.Float64).to_numpy()
    return Design(y=y, X=X, names=tuple(names), rows=data[ROW_ID].to_numpy())


def build_design(data: pl.DataFrame, spec: FormulaSpec, *, absorb: bool) -> Design:
    """Model matrix via formulaic; drop the intercept when fixed effects absorb it."""
    fast = _plain_design(data, spec, absorb)
    if fast is not None:
        return fast
    pdf = data.select(list(spec.variables)).to_pandas()
    try:
        mm = model_matrix(spec.formula, pdf, na_action="ignore")
    except Exception as exc:
        raise InvalidArgumentError(
            "formula", spec.formula, expected=f"a formula formulaic can evaluate ({exc})"
        ) from exc
    if mm.lhs.shape[1] != 1:
        raise InvalidArgumentError("formula", spec.formula, expected="a single numeric response")
    names = [str(c) for c in mm.rhs.columns]
    X = np.asarray(mm.rhs, dtype=float)
    if absorb and INTERCEPT in names:
        keep = [i for i, n in enumerate(names) if n != INTERCEPT]
        X, names = X[:, keep], [names[i] for i in keep]
    if not names:
        raise EstimationError(
            spec.estimator, f"formula {spec.formula!r} leaves no regressor to estimate"
        )
    y = np.asarray(mm.lhs, dtype=float).ravel()
    rows = data[ROW_ID].to_numpy()
    return Design(y=y, X=np.ascontiguousarray(X), names=tuple(names), rows=rows)


def drop_nonfinite(sample: Sample, design: Design) -> Design:
    """Drop rows where a transformed term is not finite (e.g. ``np.log(0)``)."""
    ok = np.isfinite(design.y) & np.isfinite(design.X).all(axis=1)
    if ok.all():
        return design
    sample.drop(pl.Series(~ok), "non-finite transformed values", "formula terms")
    return Design(design.y[ok], design.X[ok], design.names, design.rows[ok])


def collinear_columns(X: np.ndarray, tol: float = 1e-9) -> list[int]:
    """Indices of columns linearly dependent on earlier columns (kept order, like Stata).

    Examples
    --------
    >>> collinear_columns(np.array([[1, 2, 1.0], [1, 3, 1], [1, 4, 1]]))
    [2]
    """
    norms = np.sqrt((X**2).sum(axis=0))
    Xs = X / np.where(norms > 0, norms, 1.0)
    kept: list[int] = []
    dropped: list[int] = []
    Q = np.zeros((X.shape[0], 0))
    for j in range(X.shape[1]):
        v = Xs[:, j]
        if norms[j] == 0:
            dropped.append(j)
            continue
        r = v - Q @ (Q.T @ v)
        r = r - Q @ (Q.T @ r)  # re-orthogonalise
        nr = np.linalg.norm(r)
        if nr < np.sqrt(tol):
            dropped.append(j)
        else:
            kept.append(j)
            Q = np.column_stack([Q, r / nr])
    return dropped


def cluster_codes(data: pl.DataFrame, cluster: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Integer codes 0..G-1 per cluster variable; raise if a variable has one group."""
    codes = []
    for c in cluster:
        code = dense_codes(data[c])
        if code.max() < 1:
            raise InvalidArgumentError(
                "cluster", c, expected="a cluster variable with at least two groups in the sample"
            )
        codes.append(code)
    return tuple(codes)


def describe_rows(ids: np.ndarray, limit: int = 20) -> str:
    """``"rows 0, 1, 5"`` (0-based row numbers of the input), truncated after ``limit``."""
    ids = np.sort(np.asarray(ids))
    head = ", ".join(str(int(i)) for i in ids[:limit])
    more = f" (+{ids.size - limit} more)" if ids.size > limit else ""
    return f"rows {head}{more}"
