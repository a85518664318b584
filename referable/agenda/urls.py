from django.urls import path

from referable.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.today, name="today"),
    path("act/", views.act, name="act"),
    path("reassign/", views.reassign_form, name="reassign"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:task_id>/", views.task_edit, name="task-edit"),
    path("process/", views.board, name="board"),
    path("process/steps/", views.steps, name="steps"),
    path("process/steps/<int:process_step_id>/edit/", views.step_edit, name="step-edit"),
    path("process/steps/<int:process_step_id>/move/", views.step_move, name="step-move"),
    path("process/steps/<int:process_step_id>/archive/", views.step_archive, name="step-archive"),
    path("process/steps/<int:process_step_id>/restore/", views.step_restore, name="step-restore"),
    path("process/clients/<int:client_id>/", views.client_process, name="client-process"),
    path("process/clients/<int:client_id>/tick/", views.tick, name="tick"),
    path("process/completions/<int:step_completion_id>/delete/", views.untick, name="untick"),
    path("cadence/", views.cadence_settings, name="cadence"),
    path("cadence/rules/<int:touch_rule_id>/delete/", views.rule_delete, name="rule-delete"),
    path("digest/", views.digest_settings, name="digest"),
]
