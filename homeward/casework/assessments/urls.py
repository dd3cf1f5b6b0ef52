"""The pages of assessments: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
