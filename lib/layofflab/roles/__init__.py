"""Which jobs are cut: job titles classified into occupation groups, SOC major groups and seniority.

:func:`classify_titles` expands the abbreviations of HR titles ('SOFTWARE DEV ENGINEER II',
'Sr.Mgr, General MKTG'), then sorts each title into one of 13 occupation groups (the function of
the work), a SOC 2018 major group, and a seniority on two ladders (individual contributors from
intern to principal, people managers from supervisor to executive). Every rule is data in
``resources/roles_*.csv`` (:mod:`layofflab.roles.rules` reads and checks them); a title no rule
matches is ``'unclassified'``, never guessed. :func:`role_shares`, :func:`engineering_share` and
:func:`unclassified_titles` summarise positions per notice (or any other cells).

Examples
--------
>>> from layofflab import roles
>>> roles.classify_titles(["Sr. Program Mgr", "Acct Exec II 100, AdLrgSales"]).select(
...     "title_expanded", "group", "seniority").rows()
[('Senior Program Manager', 'product, program and project management', 'senior'),
 ('Account Executive II 100, Ad Large Sales', 'sales and marketing', 'level II')]
>>> roles.GROUPS[:2], roles.SENIORITY[-3:]
(('software engineering', 'hardware and other engineering'), ('senior manager', 'director', 'executive'))
"""

from __future__ import annotations

from layofflab.roles.classify import COLUMNS, classify_titles, expand_abbreviations
from layofflab.roles.rules import UNCLASSIFIED, RoleTables, load_tables
from layofflab.roles.shares import engineering_share, role_shares, unclassified_titles

__all__ = [
    "COLUMNS",
    "GROUPS",
    "SENIORITY",
    "UNCLASSIFIED",
    "RoleTables",
    "classify_titles",
    "engineering_share",
    "expand_abbreviations",
    "load_tables",
    "role_shares",
    "unclassified_titles",
]

#: The 13 occupation groups, in display order (``resources/roles_groups.csv``).
GROUPS: tuple[str, ...] = load_tables().groups
#: The seniority vocabulary, in rank order (``resources/roles_seniority.csv``).
SENIORITY: tuple[str, ...] = load_tables().seniority
