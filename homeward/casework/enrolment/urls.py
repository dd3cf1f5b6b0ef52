"""The pages of enrolment: included at the site's root by ``homeward/urls.py``."""

urlpatterns = []
