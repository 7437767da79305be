# Names vulture cannot see being used, each with who uses it (vulture's whitelist format:
# `_.name` marks `name` used). `make test` runs vulture ([tool.vulture] in pyproject.toml)
# over the code, bench/ and tests/ with this file: a new finding is dead code to delete, or
# a name to add here with its reason.

# Read by frameworks through their own protocols, never called by our code
_.setup_hook  # discord.py calls it once on login (adapters/discord/adapter.py)
_.from_custom_id  # discord.py's DynamicItem rebuilds persistent buttons from custom ids
_.dm_messages  # a discord.Intents flag, read by discord.py
_.__signature__  # read by discord.py's slash-command parser (adapters/discord/commands.py)
_.model_config  # pydantic-settings
_.isolation_level  # SQLAlchemy's connection event reads it (storage/db.py)
_.pytest_plugins  # pytest (tests/conftest.py)
_.pytest_terminal_summary  # a pytest hook (tests/db_backends.py)
_.pytestmark  # pytest marks a whole module with it

# Columns and fields kept for the record (and for /mydata), written, never read in code
_.mime_type  # OutFile: what a platform may need to label an upload
_.notice_version  # Consent: which notice was agreed to
_.given_at  # Consent
_.revoked_at  # Consent: kept for the record (the column stays in the schema)
_.updated_at  # ConversationState, and the models' audit columns
_.completed_at  # Introduction

_.intra_op_num_threads  # onnxruntime.SessionOptions, read by the runtime (bench/encoders.py)
_.inter_op_num_threads  # onnxruntime.SessionOptions, read by the runtime (bench/encoders.py)

# Fresh API of work in progress this session: to be used or removed by its owner
_.is_opted_out  # storage/campaigns.py (#18)
_.pending_count  # storage/campaigns.py (#18)
_.subthemes_of  # storage/themes.py (#12)
_.get_subtheme  # storage/themes.py (#12)
