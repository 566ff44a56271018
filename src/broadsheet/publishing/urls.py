from django.urls import path

from broadsheet.publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("section/<slug:slug>/", views.section_posts, name="section"),
    path("tag/<slug:slug>/", views.tag_posts, name="tag"),
    path("author/<str:username>/", views.author_posts, name="author"),
    path("open-threads/", views.open_threads, name="open_threads"),
]
