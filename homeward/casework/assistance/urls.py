"""The pages of assistance: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
