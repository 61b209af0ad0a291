"""The demo's people for ``seed_demo``: their accounts (found by email, created
once) and the profiles of the mentors and protégés of the demo program."""

import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher, make_password

from accounts.models import User

DEMO_PASSWORD = "mentoring-demo"

# The demo password hashed once per hasher: hashing is slow on purpose (about a
# third of a second), and forty-odd new accounts made it most of seed_demo's time.
# On a thread of its own, since PBKDF2 runs outside the GIL: serve_demo starts it first.
_hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-password")
_demo_password_hashes: dict[str, Future[str]] = {}


def start_hashing_demo_password() -> None:
    """Starts hashing the demo password in the background, so that a caller with
    other work first (serve_demo migrates) does not wait for it when seeding."""
    _demo_password_hash_future()


def demo_password_hash() -> str:
    """The demo password, hashed by the current default hasher."""
    return _demo_password_hash_future().result()


def _demo_password_hash_future() -> Future[str]:
    algorithm = get_hasher().algorithm
    if algorithm not in _demo_password_hashes:
        _demo_password_hashes[algorithm] = _hashing.submit(make_password, DEMO_PASSWORD)
    return _demo_password_hashes[algorithm]


def demo_user(email: str, display_name: str, time_zone: str, **extra) -> User:
    """The person with this email, created with the demo password the first time
    (a changed password is left alone), their email verified for sign-in."""
    user, _ = User.objects.get_or_create(
        email=email,
        # A callable: hashed only when someone is created.
        defaults={
            "display_name": display_name,
            "time_zone": time_zone,
            "password": demo_password_hash,
            **extra,
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def email_of(name: str) -> str:
    """A demo person's address: their name in ASCII, dots for spaces, at example.com."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace("'", "").replace(" ", ".") + "@example.com"


TOPICS = [
    "Negotiation",
    "Conflict management",
    "Leading a team of peers",
    "Influencing decision makers",
    "Career planning",
    "Public speaking",
    "Managing up",
    "Giving feedback",
    "Hiring",
    "Product strategy",
    "Technical leadership",
    "Time management",
    "Stakeholder management",
    "Data-driven decisions",
    "Work-life balance",
    "Change management",
]

# name, time zone, intro / challenges, topics (indexes into TOPICS), methods, cadence, capacity
MENTORS = [
    (
        "Amara Okafor",
        "Europe/London",
        "Director of engineering; 15 years building platform teams. "
        "I mentor because someone once took a chance on me.",
        [0, 1, 10],
        ["video", "phone"],
        "every_two_weeks",
        3,
    ),
    (
        "Daniel Weiss",
        "Europe/Berlin",
        "VP Product at a logistics company. Mentored 9 people through their first management role.",
        [9, 6, 12],
        ["video"],
        "monthly",
        2,
    ),
    (
        "Priya Raman",
        "Asia/Kolkata",
        "Head of data science. I enjoy helping people turn numbers into decisions leaders act on.",
        [13, 3, 4],
        ["video", "chat"],
        "every_two_weeks",
        2,
    ),
    (
        "Marcus Chen",
        "America/New_York",
        "Engineering manager, formerly a staff engineer. Ask me about moving from doing to leading.",
        [2, 7, 8],
        ["video", "in_person"],
        "weekly",
        1,
    ),
    (
        "Sofia Martínez",
        "Europe/Madrid",
        "Operations lead in healthcare; calm under pressure, good at difficult conversations.",
        [1, 7, 15],
        ["phone", "video"],
        "every_two_weeks",
        2,
    ),
    (
        "Kenji Watanabe",
        "Asia/Tokyo",
        "Principal architect. I mentor on technical leadership and writing proposals that get approved.",
        [10, 3, 5],
        ["video", "chat"],
        "monthly",
        2,
    ),
    (
        "Grace Mensah",
        "Africa/Accra",
        "HR business partner; coaching managers on hiring and feedback is my day job and my hobby.",
        [8, 7, 4],
        ["video", "phone"],
        "twice_a_month",
        3,
    ),
    (
        "Liam O'Connor",
        "Europe/Dublin",
        "Sales director. Negotiation, managing up and recovering from a lost deal.",
        [0, 6, 12],
        ["phone", "in_person"],
        "every_two_weeks",
        2,
    ),
    (
        "Hannah Berg",
        "America/Chicago",
        "Product designer turned design manager; public speaking coach on the side.",
        [5, 2, 14],
        ["video"],
        "every_two_weeks",
        1,
    ),
    (
        "Tomasz Nowak",
        "Europe/Warsaw",
        "CTO of a 40-person startup. Strategy, hiring and surviving change.",
        [9, 8, 15],
        ["video", "chat"],
        "monthly",
        2,
    ),
    (
        "Isabel Costa",
        "America/Sao_Paulo",
        "Customer success director; I help people manage up and stay calm with hard stakeholders.",
        [6, 12, 1],
        ["video", "phone"],
        "every_two_weeks",
        2,
    ),
    (
        "Ahmed Farouk",
        "Africa/Cairo",
        "Finance lead who learned to present numbers to boards; ask me about influence.",
        [3, 13, 5],
        ["video"],
        "monthly",
        1,
    ),
]

PROTEGES = [
    (
        "Sam Patel",
        "Europe/London",
        "New team lead; struggling to negotiate scope with other teams.",
        [0, 1, 2],
    ),
    ("Aisha Bello", "Africa/Lagos", "Wants to move into product management within a year.", [9, 4, 12]),
    ("Lucas Silva", "America/Sao_Paulo", "Senior engineer asked to lead peers; unsure how.", [2, 10, 7]),
    ("Emma Johansson", "Europe/Stockholm", "Finds it hard to influence senior stakeholders.", [3, 12, 6]),
    ("Noah Kim", "Asia/Seoul", "Data analyst who wants to present findings with impact.", [13, 5, 3]),
    (
        "Olivia Brown",
        "America/Los_Angeles",
        "Returning from parental leave; balancing work and family.",
        [14, 11, 4],
    ),
    ("Mateo Rossi", "Europe/Rome", "First-time hiring manager.", [8, 7, 2]),
    ("Zara Ahmed", "Asia/Dubai", "Conflict between two of her reports is draining the team.", [1, 7, 2]),
    ("Ethan Walker", "Australia/Sydney", "Wants a career plan towards staff engineer.", [4, 10, 5]),
    (
        "Chloé Dubois",
        "Europe/Paris",
        "Leading a reorganisation; needs change management skills.",
        [15, 12, 1],
    ),
    ("Ravi Iyer", "Asia/Kolkata", "Manages up poorly; his manager is often surprised.", [6, 11, 12]),
    ("Fatima Zahra", "Africa/Casablanca", "Would like to speak at a conference this year.", [5, 4]),
    ("Jonas Müller", "Europe/Berlin", "Product owner; prioritisation fights with sales.", [9, 0, 12]),
    ("Mia Thompson", "America/Toronto", "Overloaded; wants better time management and boundaries.", [11, 14]),
    (
        "Diego Herrera",
        "America/Mexico_City",
        "Engineer curious about data-driven product decisions.",
        [13, 9],
    ),
    ("Yuki Tanaka", "Asia/Tokyo", "New manager giving feedback for the first time.", [7, 2, 1]),
    ("Grace Liu", "Asia/Singapore", "Wants to influence the roadmap of the platform team.", [3, 10, 6]),
    ("Oscar Lindqvist", "Europe/Stockholm", "Negotiating a promotion and a new scope.", [0, 4, 6]),
    ("Nadia Hassan", "Africa/Cairo", "Leads a cross-cultural team spread over four time zones.", [2, 1, 15]),
    ("Ben Carter", "America/Denver", "Hiring fast for a new team; worried about quality.", [8, 10]),
    (
        "Lena Fischer",
        "Europe/Vienna",
        "Moving from engineering into product; wants a sounding board.",
        [9, 4],
    ),
    ("Kwame Asante", "Africa/Accra", "First management role in a fast-growing team.", [2, 7, 8]),
    ("Sara Lindgren", "Europe/Stockholm", "Wants to negotiate better contracts with vendors.", [0, 12]),
    ("Tariq Aziz", "Asia/Karachi", "Struggles to say no; wants boundaries and focus.", [11, 14, 6]),
    ("Julia Novak", "Europe/Prague", "Preparing for her first board presentation.", [5, 3, 13]),
    ("Hiro Sato", "Asia/Tokyo", "Leads an international team; conflicts across cultures.", [1, 2]),
]
