"""The back office's database: tables, imperative mapping, repositories, unit of work.

Entry points: ``session.make_engine``, ``session.make_session_factory``,
``uow.SqlAlchemyUnitOfWork`` and ``migrate.upgrade_database``.
"""
