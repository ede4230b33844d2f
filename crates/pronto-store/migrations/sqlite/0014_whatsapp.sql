-- WhatsApp: what a message cost, as its status webhooks said (`pricing`, JSON:
-- billable, pricing_model, type, category), kept per message.
ALTER TABLE messages ADD COLUMN pricing TEXT;
-- A WhatsApp channel's message templates, synchronized from the Cloud API
-- (`message_templates` and the `message_template_status_update` webhook).
CREATE TABLE whatsapp_templates (
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id       BIGINT NOT NULL REFERENCES channels(id),
    name             TEXT NOT NULL,
    language         TEXT NOT NULL,
    template_id      TEXT NOT NULL,
    status           TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '',
    parameter_format TEXT NOT NULL DEFAULT 'POSITIONAL',
    components       TEXT NOT NULL DEFAULT '[]',
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (channel_id, name, language)
);
