"""Separation detection for Poisson models: the iterative rectifier (IR / ReLU) method.

Correia, Guimarães & Zylkin (2021), "Verifying the existence of maximum likelihood
estimates for generalized linear models", arXiv:1903.01633, as in ``ppmlhdfe``.
An observation with y = 0 is *separated* when some linear combination z = Xγ (+ fixed
effects) is zero wherever y > 0, non-negative wherever y = 0 and positive there: its
fitted mean is driven to zero and the MLE does not exist. IR finds z by repeatedly
regressing U on X (weights: huge for y > 0) and rectifying U ← max(Û, 0) on y = 0.

pyfixest's own check runs only when there are fixed effects (and in 0.60 misses the
no-FE toy case of the primer), hence this implementation, which works with and
without fixed effects; it uses pyfixest's ``demean`` for the absorbed part.

Examples
--------
>>> import numpy as np
>>> y = np.array([0, 0, 0, 1, 2, 3.0])
>>> X = np.column_stack([np.ones(6), [1, 1, 0, 0, 0, 0]])
>>> np.flatnonzero(separated_ir(y, X))
array([0, 1])
"""

from __future__ import annotations

import warnings

import numpy as np

from layofflab.errors import EstimationError


def _demean(M: np.ndarray, flist: np.ndarray | None, w: np.ndarray) -> np.ndarray:
    if flist is None:
        return M
    from pyfixest.estimation import demean

    out, ok = demean(np.ascontiguousarray(M), flist, w, tol=1e-10, maxiter=100_000)
    if not ok:
        raise EstimationError(
            "ppml", "fixed-effect demeaning did not converge in the separation check"
        )
    return out


def separated_ir(
    y: np.ndarray,
    X: np.ndarray,
    flist: np.ndarray | None = None,
    *,
    tol: float = 1e-4,
    maxiter: int = 100,
) -> np.ndarray:
    """Boolean mask of separated observations.

    Parameters
    ----------
    y : array (N,)
        Non-negative outcome.
    X : array (N, K)
        Regressors (with the intercept when there are no fixed effects).
    flist : array (N, F) of uint64, optional
        Integer codes of the fixed effects.
    tol : float
        Values of Û in (-0.1 tol, tol) count as zero.
    maxiter : int
        Maximum IR iterations.
    """
    interior = y > 0
    if interior.all() or not (~interior).any():
        return np.zeros(y.size, dtype=bool)
    n_pos = int(interior.sum())
    w = np.where(interior, n_pos / tol**2, 1.0)
    sw = np.sqrt(w)
    Xd = _demean(X, flist, w) if X.shape[1] else X
    U = (~interior).astype(float)
    Uhat = U
    for _ in range(maxiter):
        Ud = _demean(U[:, None], flist, w)[:, 0]
        if Xd.shape[1]:
            b = np.linalg.lstsq(Xd * sw[:, None], Ud * sw, rcond=None)[0]
            resid = Ud - Xd @ b
        else:
            resid = Ud
        Uhat = U - resid
        zero = interior | ((Uhat > -0.1 * tol) & (Uhat < tol))
        Uhat = np.where(zero, 0.0, Uhat)
        if (Uhat >= 0).all():
            return Uhat > 0
        U = np.where(interior, 0.0, np.maximum(Uhat, 0.0))
    warnings.warn(
        "separation check (IR) reached maxiter before convergence; no rows dropped",
        RuntimeWarning,
        stacklevel=2,
    )
    return np.zeros(y.size, dtype=bool)
