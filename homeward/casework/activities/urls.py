"""The pages of activities: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
