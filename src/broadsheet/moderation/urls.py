from django.urls import path

from broadsheet.moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/queue/", views.queue, name="queue"),
    path("moderation/queue/shortcuts/", views.queue_shortcuts, name="queue_shortcuts"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/spam/", views.spam_folder, name="spam"),
    path(
        "moderation/comments/<int:comment_id>/<str:action>/",
        views.comment_action,
        name="comment_action",
    ),
    path("comments/<int:comment_id>/flag/", views.flag, name="flag"),
]
