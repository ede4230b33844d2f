"""Creates what the bench drives: a superuser with an API token (no password: the
token is the only way in), one queue, and `--tickets` open tickets; writes the
token and the ticket ids as JSON to `--out` (readable by its owner only)."""

import json
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from helpdesk.models import Queue, Ticket


class Command(BaseCommand):
    help = "Creates the yardstick's superuser, token, queue and tickets."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=2000)
        parser.add_argument("--out", required=True)

    def handle(self, *args, tickets, out, **options):
        with transaction.atomic():
            user = get_user_model().objects.create_superuser(
                username="bench", email="bench@pronto.test", password=None
            )
            token = Token.objects.create(user=user)
            queue = Queue.objects.create(
                title="Bench", slug="bench", allow_public_submission=False
            )
            ids = []
            for i in range(tickets):
                ticket = Ticket.objects.create(
                    title=f"Customer {i}",
                    queue=queue,
                    description="Where is my order?",
                )
                ids.append(ticket.id)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"token": token.key, "tickets": ids}, f)
