use proptest::prelude::*;
use serde_json::json;

use super::*;

fn rule(id: i64, value: serde_json::Value) -> Rule {
    let mut r: Rule = serde_json::from_value(value).unwrap();
    r.id = id;
    r
}

fn message(text: &str) -> (Trigger, Facts) {
    (
        Trigger::new(When::CustomerMessage),
        Facts {
            channel_id: 1,
            text: text.into(),
            ..Facts::default()
        },
    )
}

#[test]
fn a_matching_rule_fires_its_actions_in_order() {
    let r = rule(
        7,
        json!({"name": "Refunds", "when": {"type": "customer_message"},
               "if": [{"type": "text_contains", "text": "REFUND"}, {"type": "channel", "id": 1}],
               "then": [{"type": "label", "label": "billing"}, {"type": "assign", "user": 3}]}),
    );
    validate(&r).unwrap();
    let (t, f) = message("I want a refund please");
    let fired = evaluate(std::slice::from_ref(&r), &t, &f);
    assert_eq!(fired.len(), 2);
    assert_eq!(
        fired[0].action,
        Action::Label {
            label: "billing".into()
        }
    );
    assert_eq!(fired[1].cause, Cause(vec![7]));
    let (t, f) = message("hello");
    assert!(evaluate(&[r], &t, &f).is_empty());
}

#[test]
fn conditions_read_the_facts() {
    let facts = Facts {
        channel_id: 2,
        text: "Order #12345".into(),
        attributes: [("plan".to_owned(), "pro".to_owned())].into(),
        locale: Some("fr_FR".into()),
        labels: vec!["vip".into()],
        within_business_hours: false,
    };
    let yes = [
        json!({"type": "text_matches", "pattern": "#\\d{5}"}),
        json!({"type": "contact_attribute", "name": "plan", "value": "pro"}),
        json!({"type": "locale", "locale": "fr"}),
        json!({"type": "has_label", "label": "vip"}),
        json!({"type": "within_business_hours", "open": false}),
        json!({"type": "channel", "id": 2}),
    ];
    let no = [
        json!({"type": "text_matches", "pattern": "^#"}),
        json!({"type": "contact_attribute", "name": "plan", "value": "free"}),
        json!({"type": "locale", "locale": "en"}),
        json!({"type": "has_label", "label": "new"}),
        json!({"type": "within_business_hours", "open": true}),
        json!({"type": "channel", "id": 3}),
    ];
    for (c, expected) in yes
        .iter()
        .map(|c| (c, true))
        .chain(no.iter().map(|c| (c, false)))
    {
        let c: Condition = serde_json::from_value(c.clone()).unwrap();
        assert_eq!(holds(&c, &facts), expected, "{c:?}");
    }
}

#[test]
fn validation_names_the_wrong_part() {
    let cases = [
        (
            json!({"name": " ", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "x"}]}),
            "name: must not be empty",
        ),
        (
            json!({"name": "a", "when": {"type": "no_reply_for", "minutes": 0}, "then": [{"type": "label", "label": "x"}]}),
            "when.minutes: must be 1 to 10080 (a week)",
        ),
        (
            json!({"name": "a", "when": {"type": "customer_message"}, "then": []}),
            "then: a rule needs at least one action",
        ),
        (
            json!({"name": "a", "when": {"type": "customer_message"}, "then": [{"type": "move", "folder": "trash"}]}),
            "then[0].folder: unknown folder \"trash\"; use inbox, done or spam",
        ),
        (
            json!({"name": "a", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "x"}, {"type": "call_webhook", "url": "ftp://x"}]}),
            "then[1].url: must be an http:// or https:// URL",
        ),
    ];
    for (value, message) in cases {
        let r = rule(1, value);
        assert_eq!(validate(&r).unwrap_err().to_string(), message);
    }
    let r = rule(
        1,
        json!({"name": "a", "when": {"type": "customer_message"},
        "if": [{"type": "text_matches", "pattern": "(unclosed"}], "then": [{"type": "label", "label": "x"}]}),
    );
    let e = validate(&r).unwrap_err();
    assert_eq!(e.part, "if[0].pattern");
    assert!(
        e.message.starts_with("not a valid regular expression"),
        "{e}"
    );
}

#[test]
fn no_reply_for_fires_once_the_wait_is_long_enough() {
    let r = rule(
        1,
        json!({"name": "a", "when": {"type": "no_reply_for", "minutes": 30}, "then": [{"type": "notify", "user": 1}]}),
    );
    let f = Facts::default();
    let at = |m| {
        evaluate(
            std::slice::from_ref(&r),
            &Trigger::new(When::NoReplyFor { minutes: m }),
            &f,
        )
        .len()
    };
    assert_eq!((at(29), at(30), at(45)), (0, 1, 1));
}

#[test]
fn rules_that_set_each_other_off_stop() {
    // Two rules that move a moved conversation back and forth.
    let a = rule(
        1,
        json!({"name": "a", "when": {"type": "conversation_moved"}, "then": [{"type": "move", "folder": "done"}]}),
    );
    let b = rule(
        2,
        json!({"name": "b", "when": {"type": "conversation_moved"}, "then": [{"type": "move", "folder": "inbox"}]}),
    );
    let fired = cascade(
        &[a, b],
        &Trigger::new(When::ConversationMoved),
        &Facts::default(),
    );
    let causes: Vec<_> = fired.iter().map(|f| f.cause.0.clone()).collect();
    assert_eq!(causes, vec![vec![1], vec![2], vec![1, 2], vec![2, 1]]);
}

#[test]
fn the_depth_limit_holds_with_many_rules() {
    let rules: Vec<Rule> = (1..=20)
        .map(|i| rule(i, json!({"name": "r", "when": {"type": "conversation_moved"}, "then": [{"type": "move", "folder": "done"}]})))
        .collect();
    let t = Trigger {
        what: When::ConversationMoved,
        cause: Cause(vec![100, 101, 102, 103]),
    };
    let fired = evaluate(&rules, &t, &Facts::default());
    assert!(fired.iter().all(|f| f.cause.0.len() == MAX_DEPTH));
    let t = Trigger {
        what: When::ConversationMoved,
        cause: Cause(vec![100, 101, 102, 103, 104]),
    };
    assert!(evaluate(&rules, &t, &Facts::default()).is_empty());
}

fn any_when() -> impl Strategy<Value = When> {
    prop_oneof![
        Just(When::ConversationOpened),
        Just(When::CustomerMessage),
        (1u32..100).prop_map(|minutes| When::NoReplyFor { minutes }),
        Just(When::BadgeAtRisk),
        Just(When::ConversationMoved),
    ]
}

fn any_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        (1i64..3).prop_map(|id| Condition::Channel { id }),
        "[ab]{1,2}".prop_map(|text| Condition::TextContains { text }),
        "[ab]{1,2}".prop_map(|label| Condition::HasLabel { label }),
        any::<bool>().prop_map(|open| Condition::WithinBusinessHours { open }),
    ]
}

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (1i64..4).prop_map(|user| Action::Assign { user }),
        "[ab]{1,2}".prop_map(|label| Action::Label { label }),
        prop_oneof![Just("inbox"), Just("done"), Just("spam")].prop_map(|f| Action::Move {
            folder: f.to_owned()
        }),
    ]
}

fn any_rules() -> impl Strategy<Value = Vec<Rule>> {
    prop::collection::vec(
        (
            any_when(),
            prop::collection::vec(any_condition(), 0..3),
            prop::collection::vec(any_action(), 1..3),
        ),
        0..8,
    )
    .prop_map(|rs| {
        rs.into_iter()
            .enumerate()
            .map(|(i, (when, conditions, then))| Rule {
                id: i as i64 + 1,
                name: format!("rule {i}"),
                enabled: true,
                when,
                conditions,
                then,
            })
            .collect()
    })
}

fn any_facts() -> impl Strategy<Value = Facts> {
    (
        1i64..3,
        "[ab ]{0,6}",
        prop::collection::vec("[ab]{1,2}", 0..3),
        any::<bool>(),
    )
        .prop_map(|(channel_id, text, labels, within_business_hours)| Facts {
            channel_id,
            text,
            labels,
            within_business_hours,
            ..Facts::default()
        })
}

proptest! {
    #[test]
    fn evaluation_is_deterministic_and_ends(rules in any_rules(), what in any_when(), facts in any_facts()) {
        let t = Trigger::new(what);
        let once = cascade(&rules, &t, &facts);
        prop_assert_eq!(&once, &cascade(&rules, &t, &facts));
        // The first round follows the stored order of the rules.
        let first = evaluate(&rules, &t, &facts);
        let ids: Vec<i64> = first.iter().map(|f| f.rule_id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        prop_assert_eq!(ids, sorted);
        for f in &once {
            prop_assert!(f.cause.0.len() <= MAX_DEPTH);
            let mut seen = f.cause.0.clone();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), f.cause.0.len(), "a rule twice in one chain");
        }
    }

    #[test]
    fn a_rule_that_sets_itself_off_fires_once(conditions in prop::collection::vec(any_condition(), 0..2), folder in prop_oneof![Just("inbox"), Just("done"), Just("spam")], facts in any_facts()) {
        let r = Rule {
            id: 9,
            name: "self".into(),
            enabled: true,
            when: When::ConversationMoved,
            conditions: conditions.clone(),
            then: vec![Action::Move { folder: folder.into() }],
        };
        let fired = cascade(&[r], &Trigger::new(When::ConversationMoved), &facts);
        let expected = usize::from(conditions.iter().all(|c| holds(c, &facts)));
        prop_assert_eq!(fired.len(), expected);
    }
}

#[test]
fn an_actions_kind_is_its_json_type() {
    let all = [
        Action::Assign { user: 1 },
        Action::Label { label: "a".into() },
        Action::SetPriority { priority: 1 },
        Action::SendSavedReply { id: 1 },
        Action::Move {
            folder: "done".into(),
        },
        Action::Notify { user: 1 },
        Action::CallWebhook {
            url: "https://x.test".into(),
        },
    ];
    for a in all {
        assert_eq!(serde_json::to_value(&a).unwrap()["type"], a.kind());
    }
}

#[test]
fn a_rule_can_send_a_template_with_its_parameters() {
    let r = rule(
        1,
        json!({"name": "shipped", "when": {"type": "customer_message"},
            "if": [{"type": "text_contains", "text": "shipped"}],
            "then": [{"type": "send_template", "name": "order_update", "parameters": ["{first_name}", "Friday"]}]}),
    );
    validate(&r).unwrap();
    assert_eq!(
        r.then[0],
        Action::SendTemplate {
            name: "order_update".into(),
            language: String::new(),
            parameters: vec!["{first_name}".into(), "Friday".into()],
        }
    );
    assert_eq!(r.then[0].kind(), "send_template");
    // Written back without the empty language.
    assert_eq!(
        serde_json::to_value(&r.then[0]).unwrap(),
        json!({"type": "send_template", "name": "order_update", "parameters": ["{first_name}", "Friday"]})
    );
    for (then, part) in [
        (
            json!({"type": "send_template", "name": " "}),
            "then[0].name",
        ),
        (
            json!({"type": "send_template", "name": "x", "parameters": [""]}),
            "then[0].parameters[0]",
        ),
    ] {
        let r = rule(
            1,
            json!({"name": "a", "when": {"type": "customer_message"}, "then": [then]}),
        );
        assert_eq!(validate(&r).unwrap_err().part, part);
    }
}
