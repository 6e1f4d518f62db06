"""Email: invitations with a set-up link, the daily reminders, the headteacher's weekly summary
and alerts, the school's reminder settings and closed dates, and the log of every email sent."""
