from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from passage.core.hardening import harden_process
from passage.wsgi import application


def _start_key_agent(worker) -> None:
    """In the one web process that holds keys: lend them to the task worker (docs/sealing.md)."""
    from passage.core.sealing import agent

    try:
        worker.key_agent = agent.Agent()
    except OSError as exc:
        # The site still serves; only the task worker stays without keys (so runs nothing).
        worker.log.error("key agent not started, so no task will run: %s", exc)


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


class Command(BaseCommand):
    help = "Serve Passage with gunicorn (127.0.0.1:8000 by default; put TLS in front for a team)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        # One process with threads: unsealing puts the keys in the memory of the process that
        # served the unseal page, so a second worker would stay sealed (docs/sealing.md).
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--public-only",
            action="store_true",
            default=settings.PUBLIC_ONLY,
            help="Serve only the public intake form (/public/), e.g. behind an onion service.",
        )

    def handle(self, *args, bind, workers, threads, public_only, **options):
        harden_process()  # before any key is in memory; gunicorn's forked workers inherit it
        hooks = {}
        if public_only:
            # Needs no key (submissions are sealed to the organisation's public key) and lends
            # none: the key agent stays with the staff process.
            settings.PUBLIC_ONLY, settings.ROOT_URLCONF = True, "passage.public_only_urls"
        elif workers != 1:
            self.stderr.write(
                f"Warning: {workers} worker processes must each be unsealed; use 1 (with threads)."
            )
        else:
            hooks = {"post_worker_init": _start_key_agent}
        where = (
            f"http://{bind}/public/ (the public form only)" if public_only else f"http://{bind}/"
        )
        self.stdout.write(f"Passage is at {where} (Ctrl-C stops it)")
        _Server(
            {
                "bind": bind,
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # Access logs carry URLs and addresses; keep them off by default.
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                **hooks,
            }
        ).run()
