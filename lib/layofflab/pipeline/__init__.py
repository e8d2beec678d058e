"""The top floor: the command line (:mod:`.cli`) and the report stage (:mod:`.report`).

Stage ``data`` is :func:`layofflab.tables.build`; stage ``report`` executes the notebooks.
"""
