"""The reader's state-register ids agree with the register database's names for them."""

from app.model.registers import regdb
from app.model.registers.state_ids import state_names


def test_every_state_id_has_the_same_name_in_the_database():
    names = state_names()
    assert len(names) > 80
    for name, reg_id in names.items():
        info = regdb.lookup(reg_id)
        assert info.known and name in (info.name, *info.aliases), (name, hex(reg_id))
        assert info.cls in ("gic", "core"), (name, info.cls)
