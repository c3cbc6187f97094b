"""The dependency rules between features that import-linter cannot say on its own.

pyproject.toml's layers contract fixes the order of the features (no cycles, no arrow back
up). These tests add: one feature, identity or chat, reaches another only through that
feature's `interface` module, and the hooks lower features declare are installed by the
composition.
"""

from __future__ import annotations

import grimp

from parley.composition import install
from parley.features.conversations import hooks as conversation_hooks
from parley.features.messages import extras as message_extras
from parley.features.messages import groups as message_groups
from parley.features.messages import notify as message_notify

# Tables another feature joins in SQL: a table is already a public schema, and a query
# cannot join through a function. Annotations do not need these: every interface
# re-exports the model types it hands out.
ALLOWED_MODEL_IMPORTS = frozenset(
    {
        # Credential lookups run on every request: one query from token or session to its
        # member and account.
        ("auth", "parley.features.users.models"),
        ("auth", "parley.features.accounts.models"),
        # A DM list shows each partner: conversation members joined to their user rows.
        ("conversations", "parley.features.users.models"),
        # An app's tokens are revoked and listed by `app_id`, in bulk updates.
        ("apps", "parley.features.auth.models"),
        # Item lists and search filter messages by what was pinned, saved or reacted to.
        ("pins", "parley.features.messages.models"),
        ("notifications", "parley.features.messages.models"),  # threads, activity, sent
        ("notifications", "parley.features.reactions.models"),  # activity
        ("reactions", "parley.features.messages.models"),
        ("search", "parley.features.messages.models"),
        ("search", "parley.features.pins.models"),
        ("search", "parley.features.reactions.models"),
        # Search's `from:` and the searcher's role and time zone are filters on users.
        ("search", "parley.features.users.models"),
        # SCIM filters (`userName eq …`, `members[value eq …]`) are SQL on member and
        # group rows, so a provider's lookup among 350,000 members is one indexed query.
        ("scim", "parley.features.users.models"),
        ("scim", "parley.features.usergroups.models"),
    }
)


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["parley", "features"] else None


def _allowed(importer: str, imported: str) -> bool:
    importer_feature, imported_feature = _feature_of(importer), _feature_of(imported)
    if imported_feature is None or importer_feature in (None, imported_feature):
        return True
    if imported == f"parley.features.{imported_feature}.interface":
        return True
    return (importer_feature, imported) in ALLOWED_MODEL_IMPORTS


def _cross_feature_imports_outside_interfaces(graph: grimp.ImportGraph) -> list[str]:
    offending = []
    for importer in sorted(graph.modules):
        if _feature_of(importer) is None:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if _allowed(importer, imported):
                continue
            for detail in graph.get_import_details(importer=importer, imported=imported):
                offending.append(f"{importer}:{detail['line_number']}: {detail['line_contents']}")
    return offending


def test_features_reach_each_other_only_through_their_interface() -> None:
    offending = _cross_feature_imports_outside_interfaces(grimp.build_graph("parley"))
    assert not offending, (
        "import another feature's `interface` module (add the name there if it is "
        "missing), not its internals:\n" + "\n".join(offending)
    )


def test_the_rule_names_an_import_that_skips_the_interface() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(
        importer="parley.features.pins.api",
        imported="parley.features.reactions.store",
        line_number=7,
        line_contents="from parley.features.reactions import store",
    )
    graph.add_import(
        importer="parley.features.pins.api",
        imported="parley.features.messages.interface",
        line_number=8,
        line_contents="from parley.features.messages.interface import access_message",
    )
    # Identity is no exception: a chat feature reads who a member is through users' interface.
    graph.add_import(
        importer="parley.features.pins.api",
        imported="parley.features.users.store",
        line_number=9,
        line_contents="from parley.features.users import store as user_store",
    )
    graph.add_import(
        importer="parley.features.pins.api",
        imported="parley.features.users.interface",
        line_number=10,
        line_contents="from parley.features.users.interface import get_user",
    )
    assert _cross_feature_imports_outside_interfaces(graph) == [
        "parley.features.pins.api:7: from parley.features.reactions import store",
        "parley.features.pins.api:9: from parley.features.users import store as user_store",
    ]


def test_models_are_allowed_only_for_the_listed_sql_joins() -> None:
    assert _allowed("parley.features.search.store", "parley.features.pins.models")
    assert not _allowed("parley.features.bookmarks.store", "parley.features.pins.models")
    assert _allowed("parley.features.search.store", "parley.features.users.models")
    assert not _allowed("parley.features.messages.store", "parley.features.users.models")


def test_the_composition_installs_every_hook_lower_features_declare() -> None:
    install()
    # Raises when the messages feature did not provide them.
    conversation_hooks.system_messages()
    conversation_hooks.read_states()
    assert conversation_hooks._HOOKS.live_huddles is not None  # by calls
    assert sorted(message_extras.provided()) == ["pin_count", "pins", "reactions"]
    assert message_groups.group_mentions_provided()  # by usergroups
    assert message_notify.post_notifier_provided()  # by notifications
