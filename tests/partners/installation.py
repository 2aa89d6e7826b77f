"""A real Passage installation for the partner tests: its own data folder, database and keyring,
driven through the `passage` command in its own processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

PASSAGE = str(Path(sys.executable).with_name("passage"))
PASSPHRASE = "partners test installation passphrase words"
PASSWORD = "a coordinator's test password"

LOADER = """
import json
from passage.core.sealing import actions as sealing
from passage.accounts.models import User
from passage.cases.models import Person
sealing.unseal(passphrase={passphrase!r})
for name in ("coord1", "coord2"):
    User.objects.create_user(name, password={password!r}, role="coordinator")
User.objects.create_user("analyst", password={password!r}, role="analyst")
for i, p in enumerate(json.load(open({people!r}))):
    Person.objects.create(pseudonym=f"P{{i}}", names=[p["name"]], age=p.get("age"),
                          unit=p.get("unit", ""))
"""


class Installation:
    def __init__(self, root: Path, name: str, database_url: str | None = None):
        self.dir = root / name
        self.dir.mkdir(mode=0o700)
        (self.dir / "passphrase").write_text(PASSPHRASE)
        (self.dir / "password").write_text(PASSWORD)
        self.env = {
            **os.environ,
            "PASSAGE_DATA_DIR": str(self.dir),
            "PASSAGE_ARGON2_TIME_COST": "1",
            "PASSAGE_ARGON2_MEMORY_KIB": "8",
            "PASSAGE_ARGON2_PARALLELISM": "1",
        }
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        if args[0] == "shell":
            args = ("shell", "--no-imports", *args[1:])
        done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [PASSAGE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"passage {' '.join(args)} failed:\n{done.stderr}")
        return done

    def set_up(self, people: list[dict]) -> None:
        self.run("migrate", "--no-input")
        self.run("keyring", "init", "--passphrase-file", str(self.dir / "passphrase"))
        path = self.dir / "people.json"
        path.write_text(json.dumps(people, ensure_ascii=False))
        script = LOADER.format(passphrase=PASSPHRASE, password=PASSWORD, people=str(path))
        self.run("shell", "-c", script)

    def partners(self, *args: str, by: str | None = None, check: bool = True):
        extra = ["--passphrase-file", str(self.dir / "passphrase")]
        if by:
            extra += ["--by", by, "--password-file", str(self.dir / "password")]
        return self.run("partners", *args, *extra, check=check)

    def card(self) -> str:
        return self.partners("identity").stdout.splitlines()[0]

    def audit_actions(self) -> list[str]:
        script = (
            "from passage.core.models import AuditRecord\n"
            "for a in AuditRecord.objects.order_by('seq').values_list('action', flat=True):\n"
            "    print('audit', a)"
        )
        lines = self.run("shell", "-c", script).stdout.splitlines()
        # Each command unseals its own process, audited: not a change the tests look for.
        return [x.split()[1] for x in lines if x.startswith("audit ") and "seal.unseal" not in x]
