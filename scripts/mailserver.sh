#!/usr/bin/env bash
# A real mail server on 127.0.0.1 for the email channel's tests and bench:
# Dovecot (IMAP 10143 plain, 10993 implicit TLS, LMTP 10024, SASL for Postfix on
# 12345), Postfix (10025 plain with optional AUTH, 10587 STARTTLS+AUTH, 10465
# implicit TLS+AUTH; mail for example.test goes to Dovecot, anything else is relayed
# to the sink) and an aiosmtpd sink on 2525 that keeps every relayed message as a
# file. Users: support@example.test, other@example.test and bench@example.test,
# password "mail-pass-7359".
#
#   scripts/mailserver.sh start   # idempotent: already running is fine
#   scripts/mailserver.sh stop
#   scripts/mailserver.sh env     # the variables the tests read
#
# Packages (Debian's) are installed when missing; run as root. State lives in
# $PRONTO_MAIL_DIR (default /tmp/pronto-mail).
set -euo pipefail

MT="${PRONTO_MAIL_DIR:-/tmp/pronto-mail}"
say() { echo "mailserver.sh: $*"; }

env_lines() {
  echo "PRONTO_TEST_IMAP=127.0.0.1:10143"
  echo "PRONTO_TEST_SMTP=127.0.0.1:10025"
  echo "PRONTO_TEST_MAIL_SINK=$MT/outbox"
  # TLS: the snakeoil certificate names localhost; the tests trust it through the
  # server setting mail_tls_roots. IMAP STARTTLS is on 10143 too.
  echo "PRONTO_TEST_IMAPS=localhost:10993"
  echo "PRONTO_TEST_SMTPS=localhost:10465"
  echo "PRONTO_TEST_SUBMISSION=localhost:10587"
  echo "PRONTO_TEST_MAIL_CA=/etc/ssl/certs/ssl-cert-snakeoil.pem"
}

install() {
  if command -v dovecot >/dev/null && command -v postfix >/dev/null \
    && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null \
    && [ -f /etc/ssl/certs/ssl-cert-snakeoil.pem ]; then
    return
  fi
  say "installing Dovecot, Postfix and aiosmtpd (Debian's packages)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    dovecot-imapd dovecot-lmtpd postfix python3-aiosmtpd ssl-cert >/dev/null
  [ -f /etc/ssl/certs/ssl-cert-snakeoil.pem ] || make-ssl-cert generate-default-snakeoil
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 100); do
    listening "$1" && return 0
    sleep 0.1
  done
  say "nothing listens on 127.0.0.1:$1; see $MT/*.log" >&2
  exit 1
}

configure() {
  mkdir -p "$MT/run" "$MT/state" "$MT/mail" "$MT/pfq" "$MT/pfdata" "$MT/postfix"
  cat >"$MT/users" <<EOF
support@example.test:{PLAIN}mail-pass-7359
other@example.test:{PLAIN}mail-pass-7359
bench@example.test:{PLAIN}mail-pass-7359
EOF
  chown -R mail:mail "$MT/mail"
  chown postfix "$MT/pfdata"
  cat >"$MT/dovecot.conf" <<EOF
base_dir = $MT/run
state_dir = $MT/state
log_path = $MT/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = </etc/ssl/certs/ssl-cert-snakeoil.pem
ssl_key = </etc/ssl/private/ssl-cert-snakeoil.key
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$MT/mail/%n
first_valid_uid = 8
first_valid_gid = 8
mail_max_userip_connections = 100
# A test server: no fsync after each delivery (the bench APPENDs 10,000 mails).
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $MT/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$MT/mail/%n allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = 12345
  }
}
EOF
  cat >"$MT/postfix/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $MT/pfq
data_directory = $MT/pfdata
maillog_file = $MT/postfix.log
maillog_file_prefixes = /var, /dev/stdout, /tmp, $MT
myhostname = mail.example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:10024
relayhost = [127.0.0.1]:2525
smtp_tls_security_level = none
smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:12345
EOF
  # Debian's master.cf, unchrooted, with the three listeners of the tests.
  awk '
    /^smtp[ \t]+inet/ { next }
    /^[a-z]/ && NF >= 8 && $5 == "y" { $5 = "n" }
    { print }
  ' /etc/postfix/master.cf >"$MT/postfix/master.cf"
  cat >>"$MT/postfix/master.cf" <<'EOF'
127.0.0.1:10025 inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination
127.0.0.1:10587 inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:10465 inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
EOF
}

start() {
  install
  if listening 10143 && listening 10025 && listening 2525; then
    say "already running ($MT)"
    return
  fi
  configure
  listening 10143 || dovecot -c "$MT/dovecot.conf"
  wait_port 10143
  listening 10025 || postfix -c "$MT/postfix" start >/dev/null 2>&1 \
    || { say "postfix failed to start; see $MT/postfix.log" >&2; exit 1; }
  wait_port 10025
  if ! listening 2525; then
    # The sink makes its Maildir itself and refuses one that exists.
    rm -rf "$MT/outbox"
    nohup /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 \
      -c aiosmtpd.handlers.Mailbox "$MT/outbox" >"$MT/sink.log" 2>&1 &
    echo $! >"$MT/sink.pid"
  fi
  wait_port 2525
  say "running ($MT)"
}

stop() {
  [ -f "$MT/dovecot.conf" ] && doveadm -c "$MT/dovecot.conf" stop 2>/dev/null || true
  [ -f "$MT/postfix/main.cf" ] && postfix -c "$MT/postfix" stop >/dev/null 2>&1 || true
  if [ -f "$MT/sink.pid" ]; then
    kill "$(cat "$MT/sink.pid")" 2>/dev/null || true
    rm -f "$MT/sink.pid"
  fi
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
