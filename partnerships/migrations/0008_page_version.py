"""``Partnership.page_version`` and the PostgreSQL triggers that keep it: it
goes up with any change to what the pair's pages show, so a cached page
(``mentoring.page_cache``) is never served after such a change, whoever or
whatever made it (a view, a task, Django's admin, a bulk update, raw SQL).

Here: the partnership itself (``GREATEST`` keeps it rising even when a save
writes back a version read earlier in the transaction), its agreements and
closing reflections, and what belongs to both people: their accounts, their
participation, the programs they run and the program. The goals and call-log tables have theirs in
goals 0003 and sessions_log 0004, through ``pair_page_changed`` defined here.
Other databases (SQLite for a quick local try) get the column only, and the
page cache stays off there (``mentoring.page_cache.enabled``)."""

from django.db import migrations, models

FUNCTIONS = """
CREATE FUNCTION partnership_page_version_rises() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.page_version := GREATEST(NEW.page_version, OLD.page_version + 1);
  RETURN NEW;
END $$;

-- A row of a pair's changed: TG_ARGV[0] names its column that leads to the
-- pair; with TG_ARGV[1], that column is the id of a row of that table, whose
-- partnership_id is the pair (e.g. a rating's goal).
-- A row that moves to another pair changes the pages of both.
CREATE FUNCTION pair_page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  refs bigint[] := ARRAY[]::bigint[];
  pairs bigint[];
BEGIN
  IF TG_OP <> 'INSERT' THEN
    refs := refs || (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    refs := refs || (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
  END IF;
  IF TG_NARGS > 1 THEN
    EXECUTE format('SELECT array_agg(partnership_id) FROM %I WHERE id = ANY($1)', TG_ARGV[1])
      INTO pairs USING refs;
  ELSE
    pairs := refs;
  END IF;
  UPDATE partnerships_partnership SET page_version = page_version + 1 WHERE id = ANY(pairs);
  RETURN NULL;
END $$;

-- A person changed (TG_ARGV[0] names the column holding their user id): each
-- page of each of their pairs shows them, in its header if nowhere else.
CREATE FUNCTION person_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  person bigint := (
    CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END ->> TG_ARGV[0]
  )::bigint;
BEGIN
  UPDATE partnerships_partnership SET page_version = page_version + 1
  WHERE mentor_id IN (SELECT id FROM partnerships_participant WHERE user_id = person)
     OR protege_id IN (SELECT id FROM partnerships_participant WHERE user_id = person);
  RETURN NULL;
END $$;

CREATE FUNCTION participant_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE partnerships_partnership SET page_version = page_version + 1
  WHERE mentor_id = NEW.id OR protege_id = NEW.id;
  RETURN NULL;
END $$;

CREATE FUNCTION program_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE partnerships_partnership SET page_version = page_version + 1 WHERE program_id = NEW.id;
  RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER page_version_rises BEFORE UPDATE ON partnerships_partnership
  FOR EACH ROW EXECUTE FUNCTION partnership_page_version_rises();
CREATE TRIGGER pair_page_changed AFTER INSERT OR UPDATE OR DELETE ON partnerships_agreement
  FOR EACH ROW EXECUTE FUNCTION pair_page_changed('partnership_id');
CREATE TRIGGER pair_page_changed AFTER INSERT OR UPDATE OR DELETE ON partnerships_closingreflection
  FOR EACH ROW EXECUTE FUNCTION pair_page_changed('partnership_id');
-- A sign-in (last_login) or a new password shows on no page.
CREATE TRIGGER pair_pages_changed AFTER UPDATE ON accounts_user
  FOR EACH ROW WHEN (
    to_jsonb(OLD) - 'last_login' - 'password' IS DISTINCT FROM to_jsonb(NEW) - 'last_login' - 'password'
  ) EXECUTE FUNCTION person_pages_changed('id');
-- The header links to the programs a person runs.
CREATE TRIGGER pair_pages_changed AFTER INSERT OR DELETE ON partnerships_program_admins
  FOR EACH ROW EXECUTE FUNCTION person_pages_changed('user_id');
CREATE TRIGGER pair_pages_changed AFTER UPDATE ON partnerships_participant
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION participant_pages_changed();
CREATE TRIGGER pair_pages_changed AFTER UPDATE ON partnerships_program
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION program_pages_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS pair_pages_changed ON partnerships_program_admins;
DROP TRIGGER IF EXISTS pair_pages_changed ON partnerships_program;
DROP TRIGGER IF EXISTS pair_pages_changed ON partnerships_participant;
DROP TRIGGER IF EXISTS pair_pages_changed ON accounts_user;
DROP TRIGGER IF EXISTS pair_page_changed ON partnerships_closingreflection;
DROP TRIGGER IF EXISTS pair_page_changed ON partnerships_agreement;
DROP TRIGGER IF EXISTS page_version_rises ON partnerships_partnership;
DROP FUNCTION IF EXISTS program_pages_changed();
DROP FUNCTION IF EXISTS participant_pages_changed();
DROP FUNCTION IF EXISTS person_pages_changed();
DROP FUNCTION IF EXISTS pair_page_changed();
DROP FUNCTION IF EXISTS partnership_page_version_rises();
"""


def postgresql_only(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: the functions' % stays as written

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_names_without_format_characters"),
        ("partnerships", "0007_move_health_numbers_to_their_app"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="page_version",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(postgresql_only(FUNCTIONS + TRIGGERS), postgresql_only(DROP), elidable=False),
    ]
