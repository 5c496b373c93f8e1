"""Hiring's beat tasks: reminders to candidates before their test link expires, feedback due from interviewers."""

from celery import shared_task

from assessments import services


@shared_task(ignore_result=True)
def candidate_test_reminders() -> int:
    """Hourly: remind candidates whose emailed link expires soon (once per link; safe to run twice)."""
    return services.candidate_test_reminders_send()


@shared_task(ignore_result=True)
def interview_feedback_due() -> int:
    """Hourly: tell interviewers whose scoring is overdue (once per interview; safe to run twice)."""
    return services.interview_feedback_due_notify()
