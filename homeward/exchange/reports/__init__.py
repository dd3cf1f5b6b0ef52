"""Reports that leave the organisation: the donor progress report (DOCX, XLSX), the same
figures as CSV, the HXL-tagged 3W/4W and the IATI 2.03 activity file.

Every format lays out ``results.figures.ProjectFigures`` computed with ``aggregate_only=True``
(the HXL file counts deliveries and attendance itself, with the same rule for small cells):
``services.report_export`` is the one way in for the pages, the API and ``homeward export``.
"""
