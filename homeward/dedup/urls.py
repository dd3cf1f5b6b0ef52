"""The pages of deduplication, included under ``/duplicates/`` by ``homeward/urls.py``."""

from django.urls import path

from homeward.dedup import views

urlpatterns = [
    path("", views.queue, name="duplicates"),
    path("pairs/<int:pk>/", views.pair_detail, name="dedup-pair"),
    path("pairs/<int:pk>/decide/", views.pair_decide_view, name="dedup-pair-decide"),
    path("pairs/<int:pk>/merge/", views.pair_merge_view, name="dedup-pair-merge"),
    path("runs/", views.run_list, name="dedup-runs"),
    path("runs/start/", views.run_start, name="dedup-run-start"),
    path("runs/<int:pk>/", views.run_detail, name="dedup-run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="dedup-run-progress"),
    path("runs/<int:pk>/pairs.csv", views.run_pairs_csv, name="dedup-run-pairs-csv"),
    path("merges/", views.merge_list, name="dedup-merges"),
    path("merges/<int:pk>/", views.merge_detail, name="dedup-merge"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="dedup-merge-undo"),
]

# --- assistance overlap: /duplicates/overlap/ (homeward/dedup/overlap_views.py) ----------
from homeward.dedup.overlap_views import overlap_view  # noqa: E402

urlpatterns.append(path("overlap/", overlap_view, name="dedup-overlap"))
