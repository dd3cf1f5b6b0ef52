"""The pages of contacts: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
