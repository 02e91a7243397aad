from django.urls import path

from gamification.api import engagement_views, session_views, views

urlpatterns: list = [
    # Catalog reference data (content issue).
    path("achievements/", views.AchievementListView.as_view(), name="achievement-list"),
    # The learning engine: lesson and practice sessions and the learner's own stats, history and badges.
    path(
        "lessons/<int:lesson_id>/sessions/", session_views.LessonSessionStartView.as_view(), name="lesson-session-start"
    ),
    path("practice/sessions/", session_views.PracticeSessionStartView.as_view(), name="practice-session-start"),
    path("sessions/<int:pk>/", session_views.LessonSessionDetailView.as_view(), name="lesson-session-detail"),
    path("sessions/<int:pk>/answers/", session_views.LessonSessionAnswerView.as_view(), name="lesson-session-answer"),
    path(
        "sessions/<int:pk>/answers/batch/",
        session_views.LessonSessionAnswerBatchView.as_view(),
        name="lesson-session-answer-batch",
    ),
    path(
        "sessions/<int:pk>/complete/", session_views.LessonSessionCompleteView.as_view(), name="lesson-session-complete"
    ),
    path("me/stats/", session_views.MeStatsView.as_view(), name="me-stats"),
    path("me/xp-history/", session_views.MeXpHistoryView.as_view(), name="me-xp-history"),
    path("me/achievements/", session_views.MeAchievementsView.as_view(), name="me-achievements"),
    # Leagues, quests, reminders.
    path("me/league/", engagement_views.MeLeagueView.as_view(), name="me-league"),
    path("me/league/history/", engagement_views.MeLeagueHistoryView.as_view(), name="me-league-history"),
    path("me/quests/", engagement_views.MeQuestsView.as_view(), name="me-quests"),
    path(
        "reminders/unsubscribe/",
        engagement_views.RemindersUnsubscribeView.as_view(),
        name="reminders-unsubscribe",
    ),
]
