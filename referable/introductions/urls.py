from django.urls import path

from referable.introductions import views

app_name = "introductions"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.referral_list, name="list"),
    path("new/", views.referral_create, name="create"),
    path("feedback/", views.feedback, name="feedback"),
    path("review/", views.review_queue, name="review"),
    path("settings/", views.settings_page, name="settings"),
    path("coach/", views.coach_check, name="coach"),
    path("lookup/", views.person_lookup, name="lookup"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/move/", views.referral_move, name="move"),
    path("<int:referral_id>/board-move/", views.board_move, name="board-move"),
    path("<int:referral_id>/privacy-notice/", views.privacy_notice, name="privacy-notice"),
    path("<int:referral_id>/first-contact/", views.first_contact, name="first-contact"),
    path("<int:referral_id>/letters/new/", views.letter_start, name="letter-start"),
    path("<int:referral_id>/calls/new/", views.call_create, name="call-create"),
    path("feedback/<int:feedback_debt_id>/pay/", views.debt_pay, name="debt-pay"),
    path("letters/<int:letter_id>/", views.letter_edit, name="letter"),
    path(
        "letters/<int:letter_id>/request-signature/",
        views.letter_request_signature,
        name="letter-request-signature",
    ),
    path("letters/<int:letter_id>/sign/", views.letter_sign, name="letter-sign"),
    path("letters/<int:letter_id>/deliver/", views.letter_deliver, name="letter-deliver"),
    path("letters/<int:letter_id>/letter.pdf", views.letter_pdf, name="letter-pdf"),
    path("letters/<int:letter_id>/letter.docx", views.letter_docx, name="letter-docx"),
    path("calls/<int:scheduled_call_id>/invite.ics", views.call_ics, name="call-ics"),
    path("calls/<int:scheduled_call_id>/log/", views.call_log, name="call-log"),
    path("calls/<int:scheduled_call_id>/cancel/", views.call_cancel, name="call-cancel"),
    path("review/<int:held_email_id>/approve/", views.review_approve, name="review-approve"),
    path("review/<int:held_email_id>/reject/", views.review_reject, name="review-reject"),
    path("settings/templates/new/", views.template_edit, name="template-create"),
    path("settings/templates/<int:letter_template_id>/", views.template_edit, name="template-edit"),
    path("settings/coach/new/", views.coach_rule_edit, name="coach-rule-create"),
    path("settings/coach/<int:coach_rule_id>/", views.coach_rule_edit, name="coach-rule-edit"),
]
