"""Routes of the story ("full coverage") pages; kept apart from urls.py so the stories step owns them."""

urlpatterns: list = []
