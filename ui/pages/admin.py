"""Admin: users, roles and groups; importing users from a CSV file."""
import pandas as pd
import streamlit as st

from core.errors import TalkdownError
from ui.common import ROLE_LABELS, csv_bytes, done, plain, scope, show_error

sc = scope()
st.title("Users & groups")

users = sc.list_users()
groups = sc.list_groups()
by_id = {u.id: u for u in users}
member_of = sc.groups_by_user()

for g in sc.groups_without_trainer():
    st.warning(f"Trainees in “{plain(g.name)}” are invisible to trainers until a trainer is added to it "
               "(Groups tab).", icon=":material/visibility_off:")

tab_users, tab_new, tab_import, tab_groups = st.tabs(["Users", "New user", "Import users", "Groups"])

with tab_users:
    st.dataframe(pd.DataFrame([{"username": u.username, "name": u.display_name, "role": ROLE_LABELS[u.role],
                                "groups": ", ".join(member_of.get(u.id, [])) or "—", "active": u.active}
                               for u in users]), hide_index=True, width="stretch")
    st.subheader("Change a user")
    target = st.selectbox("User", users, format_func=lambda u: f"{u.display_name} ({u.username})", key="adm_user")
    # After st.rerun() the box returns the User object of the previous run (stale role and active flag).
    target = by_id.get(target.id) if target is not None else None
    if target is not None:
        c1, c2, c3 = st.columns(3)
        with c1:
            # Keyed per user: a keyed widget keeps its value when only `index` changes.
            role = st.selectbox("Role", list(ROLE_LABELS), index=list(ROLE_LABELS).index(target.role),
                                format_func=ROLE_LABELS.get, key=f"adm_role_{target.id}")
            if st.button("Save role", key="adm_save_role"):
                try:
                    sc.set_role(target.id, role)
                    done(f"{target.username} is now {ROLE_LABELS[role]}.")
                except TalkdownError as e:
                    show_error(e)
        with c2:
            label = "Disable account" if target.active else "Enable account"
            yourself = target.id == sc.user.id
            if st.button(label, key="adm_active", disabled=yourself,
                         help="You cannot disable your own account." if yourself else None):
                try:
                    sc.set_active(target.id, not target.active)
                    done(f"{target.username} is {'disabled: they can no longer sign in' if target.active else 'enabled again'}.")
                except TalkdownError as e:
                    show_error(e)
            with st.popover("Delete account…", disabled=target.id == sc.user.id,
                            help="You cannot delete your own account." if target.id == sc.user.id else None):
                st.write(f"This erases **{target.username}** and every conversation, transcript and score of "
                         "theirs. It cannot be undone; to stop someone signing in, disable the account instead.")
                typed = st.text_input("Type the username to confirm", key="adm_del_confirm")
                if st.button("Delete for good", type="primary", key="adm_delete"):
                    try:
                        sc.delete_user(target.id, typed)
                        done(f"Deleted {target.username} and their conversations.")
                    except TalkdownError as e:
                        show_error(e)
        with c3:
            lock = sc.sign_in_lock(target.id)
            if lock and (lock["wait_s"] > 0 or lock["failures"] >= 3):
                state = "locked out" if lock["locked"] else ("must wait" if lock["wait_s"] > 0 else "has failed sign-ins")
                st.caption(f"{lock['failures']} failed sign-ins in a row: {state}.")
                if st.button("Clear sign-in lock", key="adm_clear_lock"):
                    try:
                        sc.clear_sign_in_lock(target.id)
                        done(f"{target.username} can sign in again straight away.")
                    except TalkdownError as e:
                        show_error(e)
            with st.form("adm_pw", clear_on_submit=True):
                pw = st.text_input("New password", type="password")
                if st.form_submit_button("Reset password"):
                    try:
                        sc.reset_password(target.id, pw)
                        st.success("Password reset. Tell the user their new password in person.")
                    except TalkdownError as e:
                        show_error(e)

with tab_new:
    with st.form("adm_new", clear_on_submit=False):
        name = st.text_input("Full name")
        username = st.text_input("Username")
        role = st.selectbox("Role", list(ROLE_LABELS), format_func=ROLE_LABELS.get)
        pw = st.text_input("Initial password (at least 8 characters)", type="password")
        group = st.selectbox("Add to group (optional)", [None, *groups],
                             format_func=lambda g: "—" if g is None else g.name)
        if st.form_submit_button("Create user", type="primary"):
            try:
                u = sc.create_user(username.strip(), pw, role, name.strip() or username.strip())
                if group is not None:
                    sc.add_to_group(group.id, u.id)
                # rerun so the user table and the pickers include them
                done(f"Created {u.username} ({ROLE_LABELS[u.role]})" + (f" in “{group.name}”." if group else "."))
            except TalkdownError as e:
                show_error(e)

with tab_import:
    result = st.session_state.get("adm_import_result")
    if result is not None and result.created:
        # Shown once: the passwords live only in this browser session until the admin hides them.
        st.success(f"Created {len(result.created)} user(s)"
                   + (f" and the group(s) {', '.join('“' + plain(g) + '”' for g in result.created_groups)}"
                      if result.created_groups else "") + ".")
        st.warning("These initial passwords are shown **only now**: Talkdown keeps no copy. Download or copy "
                   "them, give each person theirs privately, and ask them to change it on their Account page.",
                   icon=":material/key:")
        made = pd.DataFrame([{"username": r.username, "name": r.name or r.username, "role": ROLE_LABELS[r.role],
                              "groups": ", ".join(r.groups) or "—", "initial password": r.password}
                             for r in result.created])
        st.dataframe(made, hide_index=True, width="stretch")
        with st.container(horizontal=True):
            st.download_button("Download the passwords (CSV)", csv_bytes(made), file_name="talkdown-new-users.csv",
                               mime="text/csv", icon=":material/download:")
            hide = st.button("I have them — hide the passwords", key="adm_import_hide")
        if hide:
            st.session_state.pop("adm_import_result", None)
            st.rerun()
    st.markdown("Upload a CSV file with a header row. Columns: **username** and **role** (trainee, trainer, "
                "manager or admin) are required; **name** and **groups** (group names separated by `;`) are "
                "optional. Leave passwords out: each new user gets a random initial password, shown once here "
                "after the import.")
    st.code("username,role,name,groups\nana.lopez,trainee,Ana Lopez,Team A\nsam.ito,trainer,Sam Ito,Team A;Team B",
            language=None)
    upload = st.file_uploader("CSV file of users", type=["csv", "txt"], key="adm_import_file")
    create_groups = st.checkbox("Create groups the file names that do not exist yet", value=True,
                                key="adm_import_create",
                                help="Untick to make rows with an unknown group fail instead (catches typos).")
    with st.container(horizontal=True):
        check = st.button("Check the file", key="adm_import_check", disabled=upload is None)
        go = st.button("Import users", type="primary", key="adm_import_go", disabled=upload is None)
    if upload is not None and (check or go):
        try:
            with st.spinner("Checking the file…" if check else "Creating the accounts (a few seconds per 50)…"):
                res = sc.import_users(upload.getvalue(), create_groups=create_groups, dry_run=check)
        except TalkdownError as e:
            show_error(e)
        else:
            failures = [f"- Line {r.line} ({plain(r.username) or 'no username'}): {plain(r.message)}"
                        for r in res.failed]
            report = pd.DataFrame([{"line": r.line, "username": r.username,
                                    "result": {"ok": "ready to import", "created": "created",
                                               "failed": "not imported"}[r.status],
                                    "why": r.message} for r in res.rows])
            ok = len(res.rows) - len(res.failed)
            if res.dry_run:
                summary = (f"{ok} of {len(res.rows)} row(s) can be imported; {len(res.failed)} cannot (see why "
                           "below). Nothing was created yet.")
            else:
                summary = (f"{len(res.created)} of {len(res.rows)} row(s) imported; {len(res.failed)} not imported"
                           + (": fix them and import just those rows again." if res.failed else "."))
            st.session_state["adm_import_report"] = {"file": upload.file_id, "summary": summary,
                                                     "ok": not res.failed, "table": report, "failures": failures}
            if not res.dry_run and res.created:
                st.session_state["adm_import_result"] = res
                st.rerun()
    shown = st.session_state.get("adm_import_report")
    if shown is not None and upload is not None and shown["file"] == upload.file_id:
        (st.success if shown["ok"] else st.warning)(shown["summary"])
        if shown["failures"]:
            st.markdown("**Not imported, and why**\n\n" + "\n".join(shown["failures"]))
        st.markdown("**Row by row**")
        st.dataframe(shown["table"], hide_index=True, width="stretch",
                     column_config={"why": st.column_config.TextColumn(width="large")})

with tab_groups:
    with st.form("adm_group", clear_on_submit=True):
        gname = st.text_input("New group name")
        if st.form_submit_button("Create group"):
            try:
                g = sc.create_group(gname.strip())
                done(f"Created the group “{g.name}”.")
            except TalkdownError as e:
                show_error(e)
    for g in groups:
        members = sc.group_members(g.id)
        with st.expander(f"{plain(g.name)} — {len(members)} member(s)"):
            for m in members:
                c1, c2 = st.columns([4, 1])
                c1.write(f"{plain(m.display_name)} (`{m.username}`) · {ROLE_LABELS[m.role]}")
                if c2.button("Remove", key=f"rm_{g.id}_{m.id}"):
                    try:
                        sc.remove_from_group(g.id, m.id)
                        done(f"Removed {m.username} from “{g.name}”.")
                    except TalkdownError as e:
                        show_error(e)
            outside = [u for u in users if u.id not in {m.id for m in members}]
            add = st.selectbox("Add member", [None, *outside], key=f"add_{g.id}",
                               format_func=lambda u: "—" if u is None else f"{u.display_name} ({u.username})")
            if add is not None and st.button("Add", key=f"addbtn_{g.id}"):
                try:
                    sc.add_to_group(g.id, add.id)
                    done(f"Added {add.username} to “{g.name}”.")
                except TalkdownError as e:
                    show_error(e)
            st.divider()
            c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
            new_name = c1.text_input("Group name", value=g.name, key=f"gname_{g.id}")
            if c2.button("Rename", key=f"gren_{g.id}", disabled=new_name.strip() == g.name):
                try:
                    renamed = sc.rename_group(g.id, new_name)
                    done(f"Renamed “{g.name}” to “{renamed.name}”.")
                except TalkdownError as e:
                    show_error(e)
            with c3.popover("Delete group"):
                st.write(f"Delete “{plain(g.name)}”? Its members keep their accounts and history, but its trainers "
                         "and managers no longer see its trainees' results through this group.")
                if st.button("Delete", key=f"gdel_{g.id}", type="primary"):
                    try:
                        sc.delete_group(g.id)
                        done(f"Deleted the group “{g.name}”.")
                    except TalkdownError as e:
                        show_error(e)

from ui.sso_admin import sso_links_section  # noqa: E402  (single sign-on links)
sso_links_section(sc)
