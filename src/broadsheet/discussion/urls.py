from django.urls import path

from broadsheet.discussion import views

app_name = "discussion"

urlpatterns = [
    path("posts/<slug:slug>/", views.post_page, name="post"),
    path("posts/<slug:slug>/comments/", views.post_comment, name="post_comment"),
    path("posts/<slug:slug>/comments/open/", views.set_comments_open, name="set_comments_open"),
    path("posts/<slug:slug>/reader/", views.reader_state, name="reader_state"),
    path("comments/<int:comment_id>/", views.comment_page, name="comment"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("comments/<int:comment_id>/rate/", views.rate_comment, name="rate_comment"),
]
