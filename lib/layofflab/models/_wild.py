"""Vectorised wild cluster bootstrap kernel (WCR/WCU, score types 1 and 3, CRV1 variance).

Why not only ``wildboottest``: its ``WildboottestCL.get_denom`` defines a numba kernel
inside the method, so every call recompiles it (~0.25 s per call even for tiny data),
which makes Monte Carlo checks, Romano–Wolf joint bootstraps and randomization loops
impractically slow, and it materialises per-cluster Python lists. This kernel is the
same algorithm (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild", as coded in
wildboottest 0.3.2: identical scores, small-sample factors, weights and two-tailed
p-value ``mean(|t| < |t*|)``) written with numpy matrix products; the weights are drawn
by ``wildboottest.weights.draw_weights`` from the same seeded generator, so both engines
return identical t* (checked in tests/test_models_inference.py). CRV3 variants (types
"13", "33") are not implemented (wildboottest 0.3.2's own CRV3 code fails under numpy 2).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_CHUNK = 4_000_000  # elements of the G x B working matrix per block


def cluster_sums(M: np.ndarray, codes: np.ndarray, G: int) -> np.ndarray:
    """Per-cluster column sums of ``M`` (N x k) → (G x k)."""
    D = sp.csr_matrix((np.ones(codes.size), (codes, np.arange(codes.size))), shape=(G, codes.size))
    return np.asarray(D @ M)


def cluster_crossprods(X: np.ndarray, codes: np.ndarray, G: int) -> np.ndarray:
    """Per-cluster X_g'X_g → (G x k x k)."""
    D = sp.csr_matrix((np.ones(codes.size), (codes, np.arange(codes.size))), shape=(G, codes.size))
    k = X.shape[1]
    out = np.empty((G, k, k))
    for a in range(k):
        out[:, a, :] = np.asarray(D @ (X * X[:, a : a + 1]))
    return out


def wild_kernel(
    X: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    j: int,
    v: np.ndarray,
    *,
    impose_null: bool,
    score_type: str,
    adj: bool,
    cluster_adj: bool,
) -> tuple[float, np.ndarray]:
    """Observed t and bootstrap t* (length B) for H0: beta_j = 0.

    ``v`` is the G x B matrix of cluster weights; ``score_type`` "1" (plain) or "3"
    (leave-one-cluster-out scores). Variance is CRV1 with factor
    ((N-1)/(N-k) if adj) · (G/(G-1) if cluster_adj).
    """
    N, k = X.shape
    G = v.shape[0]
    XtX = X.T @ X
    XtXinv = np.linalg.pinv(XtX, hermitian=True)
    Xy_g = cluster_sums(X * y[:, None], codes, G)  # G x k
    XX_g = cluster_crossprods(X, codes, G)  # G x k x k
    Xty = Xy_g.sum(axis=0)
    beta_hat = XtXinv @ Xty
    a = XtXinv[j]  # R (X'X)^-1
    ssc = 1.0
    if adj:
        ssc *= (N - 1) / (N - k)
    if cluster_adj:
        ssc *= G / (G - 1)

    if score_type == "1":
        if impose_null:
            beta = beta_hat - XtXinv[:, j] * beta_hat[j] / XtXinv[j, j]
        else:
            beta = beta_hat
        S = Xy_g - XX_g @ beta  # G x k
    else:
        if impose_null:
            keep = np.arange(k) != j
            XX1 = XtX[np.ix_(keep, keep)]
            XX1_g = XX_g[:, keep][:, :, keep]
            b1 = (
                np.linalg.pinv(XX1[None] - XX1_g, hermitian=True)
                @ ((Xty[keep][None] - Xy_g[:, keep])[:, :, None])
            )
            S = Xy_g - (XX_g[:, :, keep] @ b1)[:, :, 0]
        else:
            bg = np.linalg.pinv(XtX[None] - XX_g, hermitian=True) @ ((Xty[None] - Xy_g)[:, :, None])
            S = Xy_g - (XX_g @ bg)[:, :, 0]

    C = S @ a  # G
    A = np.einsum("l,glm->gm", a, XX_g) @ XtXinv  # G x k ; H = A S'
    B = v.shape[1]
    numer = C @ v
    denom = np.empty(B)
    step = max(1, _CHUNK // max(G, 1))
    St = S.T
    for s in range(0, B, step):
        vb = v[:, s : s + step]
        Z = C[:, None] * vb - A @ (St @ vb)
        denom[s : s + step] = ssc * np.einsum("gb,gb->b", Z, Z)
    t_boot = numer / np.sqrt(denom)

    Su = Xy_g - XX_g @ beta_hat
    meat = Su.T @ Su
    var_j = ssc * (a @ meat @ a)
    t_stat = float(beta_hat[j] / np.sqrt(var_j))
    return t_stat, t_boot
