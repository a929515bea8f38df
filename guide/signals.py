"""Every change to the content bumps the shared content version; nothing more.

Fixture loads save rows raw; `load_guide` bumps the version once for the whole load.
Search synonyms count as content: the search index holds them.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from guide.models import Content, ContentVersion, SearchSynonym


def bump_content_version(sender, raw: bool = False, action: str = "post", **kwargs) -> None:
    # m2m_changed reports each change twice (pre_ and post_): count it once.
    if not raw and action.startswith("post"):
        ContentVersion.bump()


def connect() -> None:
    for model in [*Content.__subclasses__(), SearchSynonym]:
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"del-{model}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                bump_content_version,
                sender=field.remote_field.through,
                dispatch_uid=f"m2m-{field}",
            )
