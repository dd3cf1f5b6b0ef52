"""The pages of selection: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
