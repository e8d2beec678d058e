"""A notebook's parameters, typed by its options dataclass, checked before any kernel starts.

A notebook declares the frozen options dataclass its parameters feed in its metadata::

    "metadata": {"layofflab": {"options": "layofflab.studies.overview:OverviewOptions"}}

Its ``parameters`` cell (read with papermill's own parser, so ``papermill --help-notebook``
sees the same thing) gives the names and the notebook's defaults, written with a type
annotation and a comment: ``top_n: int = 12  # companies ranked``. The dataclass gives
each parameter's type and, from its numpydoc ``Attributes`` section, its description; a
default of None for a field that takes no None is the dataclass's own default, which may
follow the environment. A notebook without the metadata is typed by its annotations alone.

:func:`resolve` turns command-line text (``-p top_n 5``) or typed values (a YAML or TOML
file) into the parameters papermill injects, and builds the options dataclass from them,
so an unknown parameter or a bad value stops the run with one line naming the parameter,
the value and what was expected.

Examples
--------
>>> from layofflab import config
>>> spec = notebook_spec(config.NOTEBOOKS / "01_layoffs_overview.ipynb")
>>> spec.options_path
'layofflab.studies.overview:OverviewOptions'
>>> resolve(spec, {"top_n": "5", "tracker_paths": "a.csv,b.csv"}, from_text=True)["tracker_paths"]
['a.csv', 'b.csv']
>>> resolve(spec, {"top_n": "five"}, from_text=True)
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: top_n='five': expected an integer
>>> resolve(spec, {"top": 5})
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: top=5: expected a parameter of 01_layoffs_overview: one of end, start, top_n, tracker_paths
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layofflab.errors import InputFileError, InvalidArgumentError

__all__ = [
    "NotebookSpec",
    "Parameter",
    "help_text",
    "notebook_spec",
    "read_parameter_file",
    "resolve",
]

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_ANNOTATIONS = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "date": dt.date}


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter: its type, the notebook's default and a description."""

    name: str
    type: Any
    default: Any
    description: str

    @property
    def type_name(self) -> str:
        """The type as a reader writes it (``int``, ``list[str]``, ``one of 'a', 'b'``)."""
        return _type_name(self.type)


@dataclass(frozen=True)
class NotebookSpec:
    """What a notebook takes: its parameters in cell order and its options dataclass."""

    path: Path
    parameters: dict[str, Parameter]
    options_path: str | None
    options_class: type | None

    @property
    def stem(self) -> str:
        """The notebook's file name without ``.ipynb``."""
        return self.path.stem


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin in (tuple, list):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        return f"list[{_type_name(args[0]) if args else 'str'}]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(tp))
    if tp is type(None):
        return "None"
    return getattr(tp, "__name__", str(tp))


def _expected(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        inner = _type_name(args[0]) if args else "str"
        return f"a list of {inner} (a JSON list or comma-separated values)"
    return {
        bool: "true or false",
        int: "an integer",
        float: "a number",
        str: "a string",
        dt.date: "an ISO date YYYY-MM-DD",
    }.get(tp, _type_name(tp))


def _from_text(text: str, tp: Any, name: str) -> Any:
    """Command-line text → a value of type ``tp``."""
    origin = typing.get_origin(tp)
    bad = InvalidArgumentError(name, text, expected=_expected(tp))
    if origin in (tuple, list):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        inner = args[0] if args else str
        if text.strip().startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError:
                raise bad from None
            return [_typed(v, inner, name) for v in items]
        items = [t.strip() for t in text.split(",")] if text.strip() else []
        return [_from_text(t, inner, name) for t in items]
    if origin in (typing.Union, types.UnionType):
        if text.lower() in ("none", "null", "") and type(None) in typing.get_args(tp):
            return None
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if text.strip().startswith(("[", "{")):  # a JSON list or mapping: the member that takes it
            try:
                return _typed(json.loads(text), tp, name)
            except json.JSONDecodeError:
                raise bad from None
        for member in members:
            try:
                return _from_text(text, member, name)
            except InvalidArgumentError:
                continue
        raise bad
    try:
        if tp is bool:
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise ValueError(text)
        if tp is int:
            return int(text)
        if tp is float:
            return float(text)
        if tp is dt.date:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise bad from None
    return _typed(text, tp, name)


def _typed(value: Any, tp: Any, name: str) -> Any:
    """Check an already-typed value (from a YAML/TOML file) against ``tp``; JSON-able result."""
    origin = typing.get_origin(tp)
    bad = InvalidArgumentError(name, value, expected=_expected(tp))
    if origin is typing.Literal:
        if value not in typing.get_args(tp):
            raise bad
        return value
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise bad
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        return [_typed(v, args[0] if args else str, name) for v in value]
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(tp):
            return None
        for member in (a for a in typing.get_args(tp) if a is not type(None)):
            try:
                return _typed(value, member, name)
            except InvalidArgumentError:
                continue
        raise bad
    if tp is dt.date:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise bad from None
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is str and isinstance(value, dt.date):
        return value.isoformat()  # YAML reads 2024-01-01 as a date; the options take ISO text
    if tp is int or tp is float:
        if isinstance(value, bool) or not isinstance(value, tp):
            raise bad
    elif isinstance(tp, type) and not isinstance(value, tp):
        raise bad
    return value


def _descriptions(cls: type) -> dict[str, str]:
    """``{attribute: description}`` from the numpydoc ``Attributes`` section of ``cls``."""
    import docstring_parser

    doc = docstring_parser.parse(cls.__doc__ or "", style=docstring_parser.DocstringStyle.NUMPYDOC)
    out: dict[str, str] = {}
    for param in doc.params:
        for name in param.arg_name.split(","):
            out[name.strip()] = " ".join((param.description or "").split())
    return out


def _load_options(path: str, where: Path) -> type:
    module_name, _, attr = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        raise InputFileError(
            where, "metadata layofflab.options naming a dataclass as 'module:Class'", value=path
        ) from None
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise InputFileError(where, "metadata layofflab.options naming a dataclass", value=path)
    return cls


def notebook_spec(path: str | Path) -> NotebookSpec:
    """Read a notebook's parameters cell and options dataclass (no kernel is started).

    Examples
    --------
    >>> from layofflab import config
    >>> spec = notebook_spec(config.PROJECT_ROOT / "notebooks" / "04_power.ipynb")
    >>> spec.options_path, list(spec.parameters)[:3]
    ('layofflab.studies.power:PowerOptions', ['design', 'n_firms', 'n_periods'])
    """
    from papermill.translators import PythonTranslator

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise InputFileError(
            path.name, "exactly one cell tagged 'parameters'", found=str(len(cells))
        )
    source = "".join(cells[0]["source"])  # a list of lines or one string
    options_path = nb.get("metadata", {}).get("layofflab", {}).get("options")
    cls = _load_options(options_path, Path(path.name)) if options_path else None
    hints = typing.get_type_hints(cls) if cls else {}
    described = _descriptions(cls) if cls else {}
    params: dict[str, Parameter] = {}
    for p in PythonTranslator.inspect({"source": source}):
        try:
            default = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            raise InputFileError(
                path.name, "parameters with literal defaults", column=p.name, value=p.default
            ) from None
        if cls is not None and p.name not in hints:
            raise InputFileError(
                path.name, f"parameters that are fields of {options_path}", value=p.name
            )
        tp = hints.get(p.name) or eval(p.inferred_type_name, {"__builtins__": {}}, _ANNOTATIONS)
        if default is None and cls is not None and type(None) not in typing.get_args(tp):
            field = {f.name: f for f in dataclasses.fields(cls)}[p.name]  # None: the options' own
            default = field.default_factory() if callable(field.default_factory) else field.default
        description = described.get(p.name) or p.help
        params[p.name] = Parameter(p.name, tp, default, description)
    return NotebookSpec(path, params, options_path, cls)


def resolve(
    spec: NotebookSpec, values: Mapping[str, Any], *, from_text: bool = False, check: bool = True
) -> dict[str, Any]:
    """The parameters to inject: ``values`` typed by ``spec`` and checked by its options class.

    Parameters
    ----------
    values : mapping
        Parameter name → value: text from the command line (``from_text=True``) or a typed
        value from a file or the run list.
    check : bool
        Build the options dataclass from the notebook's defaults and ``values`` (its own
        checks run); False only types the values.

    Returns
    -------
    dict
        The given parameters as JSON-able values (lists, ISO dates), for papermill.

    Raises
    ------
    InvalidArgumentError
        An unknown parameter, a value of the wrong type, or one the options class refuses.

    Examples
    --------
    >>> from layofflab import config
    >>> spec = notebook_spec(config.PROJECT_ROOT / "notebooks" / "04_power.ipynb")
    >>> resolve(spec, {"reps": "20", "design": "dose"}, from_text=True)
    {'reps': 20, 'design': 'dose'}
    >>> resolve(spec, {"reps": "many"}, from_text=True)
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: ...reps...
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        param = spec.parameters.get(name)
        if param is None:
            known = ", ".join(sorted(spec.parameters))
            raise InvalidArgumentError(
                name, value, expected=f"a parameter of {spec.stem}: one of {known}"
            )
        convert = _from_text if from_text and isinstance(value, str) else _typed
        out[name] = convert(value, param.type, name)
    if check and spec.options_class is not None:
        merged = {n: p.default for n, p in spec.parameters.items()} | out
        hints = typing.get_type_hints(spec.options_class)
        kwargs = {
            n: tuple(v) if typing.get_origin(hints[n]) is tuple else v for n, v in merged.items()
        }
        try:
            spec.options_class(**kwargs)
        except InvalidArgumentError:
            raise
        except (TypeError, ValueError) as exc:  # an options class that checks by itself
            raise InvalidArgumentError(spec.stem, values, expected=str(exc)) from None
    return out


def read_parameter_file(path: str | Path) -> dict[str, Any]:
    r"""Parameters from a YAML (``.yaml``/``.yml``), JSON or TOML file: one mapping of name → value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.toml"
    >>> _ = p.write_text('reps = 20\ndesign = ["dose"]\n')
    >>> read_parameter_file(p)
    {'reps': 20, 'design': ['dose']}
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "a parameter file (YAML, JSON or TOML)", found="no such file")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            doc = yaml.safe_load(text)
        elif path.suffix == ".toml":
            import tomllib

            doc = tomllib.loads(text)
        else:
            doc = json.loads(text)
    except Exception as exc:  # each parser has its own error class; the message says what failed
        raise InputFileError(path, f"a parameter file ({type(exc).__name__}: {exc})") from None
    if not isinstance(doc, dict):
        raise InputFileError(path, "a mapping of parameter name to value", found=type(doc).__name__)
    return doc


def help_text(spec: NotebookSpec) -> str:
    """Every parameter with its type, default and description (``layofflab run NB --help``).

    Examples
    --------
    >>> from layofflab import config
    >>> spec = notebook_spec(config.PROJECT_ROOT / "notebooks" / "04_power.ipynb")
    >>> print(help_text(spec).splitlines()[2])
      design: str | list[str] = 'all'
    """
    lines = [f"Parameters of {spec.path.name}"]
    if spec.options_path:
        lines[0] += f" (feeding {spec.options_path})"
    lines.append("")
    for p in spec.parameters.values():
        lines.append(f"  {p.name}: {p.type_name} = {p.default!r}")
        if p.description:
            lines.append(f"      {p.description}")
    lines += [
        "",
        "Give values with -p NAME VALUE (lists: JSON or comma-separated; booleans: true/false)",
        "or -f FILE (YAML, JSON or TOML).",
    ]
    return "\n".join(lines)
