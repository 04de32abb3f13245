import type { Messages } from './en.ts';

// Der feste Text jeder E-Mail, auf Deutsch (Beträge und Daten kommen bereits von Intl formatiert).

export const de: Messages = {
  common: {
    amount: 'Betrag',
    reason: 'Grund',
    account: 'Konto',
    invoice: 'Rechnung',
    notGiven: 'nicht angegeben',
    viewPayment: 'Zahlung ansehen',
    ownerFooter: (tenant) => `Sie erhalten diese E-Mail als Inhaber oder Administrator von ${tenant}.`,
    customerFooter: (tenant) => `${tenant} hat Ihnen diese E-Mail zu Ihrem Kundenkonto gesendet.`,
  },
  disputeOpened: {
    subject: (amount, tenant) => `Handlungsbedarf: Eine Zahlung über ${amount} an ${tenant} wird angefochten`,
    previewDue: (due) => `Reichen Sie Nachweise bis ${due} ein.`,
    previewNoDue: 'Sehen Sie sich die Anfechtung in Ihrem Dashboard an.',
    heading: 'Eine Zahlung wurde angefochten',
    body: (amount, tenant) =>
      `Die Bank eines Kunden hat eine Zahlung über ${amount} an ${tenant} angefochten. Der Betrag und eine Anfechtungsgebühr werden bis zur Entscheidung von Ihrem Guthaben abgezogen.`,
    evidenceDueBy: 'Nachweise fällig bis',
    noEvidence: 'keine Nachweise angefordert',
    dispute: 'Anfechtung',
    submitBefore: (due) =>
      `Reichen Sie Ihre Nachweise vor ${due} ein. Ohne sie geht die Anfechtung verloren.`,
    button: 'Auf die Anfechtung antworten',
  },
  disputeClosed: {
    outcomes: {
      won: {
        title: 'Sie haben die Anfechtung gewonnen',
        text: 'Die Bank hat zu Ihren Gunsten entschieden: Der angefochtene Betrag wird Ihrem Guthaben gutgeschrieben.',
      },
      lost: {
        title: 'Sie haben die Anfechtung verloren',
        text: 'Die Bank hat zugunsten des Kunden entschieden: Der angefochtene Betrag und die Gebühr werden nicht erstattet.',
      },
      warning_closed: {
        title: 'Die Anfrage wurde geschlossen',
        text: 'Die Bank hat ihre Anfrage ohne Anfechtung geschlossen. Es wurde nichts abgezogen.',
      },
    },
    otherTitle: 'Die Anfechtung wurde abgeschlossen',
    otherText: (status) => `Die Anfechtung endete mit dem Status ${status}.`,
    subject: (title, amount, tenant) => `${title}: Zahlung über ${amount} an ${tenant}`,
    outcome: 'Ergebnis',
  },
  refundFailed: {
    subject: (amount, tenant) => `Eine Erstattung über ${amount} durch ${tenant} ist fehlgeschlagen`,
    preview: 'Das Geld ist zurück auf Ihrem Guthaben; der Kunde wurde nicht erstattet.',
    heading: 'Eine Erstattung ist fehlgeschlagen',
    body: (amount) =>
      `Die Bank des Kunden hat eine Erstattung über ${amount} nicht angenommen. Der Betrag ist zurück auf Ihrem Guthaben: Erstatten Sie dem Kunden auf anderem Weg oder versuchen Sie es erneut.`,
    refund: 'Erstattung',
  },
  payoutFailed: {
    subject: (amount, tenant) =>
      `Handlungsbedarf: Eine Auszahlung über ${amount} auf das Bankkonto von ${tenant} ist fehlgeschlagen`,
    preview: 'Prüfen Sie das Bankkonto, auf das Ihre Auszahlungen gehen.',
    heading: 'Eine Auszahlung ist fehlgeschlagen',
    body: (amount) =>
      `Ihre Bank hat eine Auszahlung über ${amount} nicht angenommen; der Betrag ist zurück auf Ihrem Stripe-Guthaben. Prüfen Sie das Bankkonto, auf das Ihre Auszahlungen gehen: Weitere Auszahlungen warten, bis es korrigiert ist.`,
    payout: 'Auszahlung',
    button: 'Kontoeinstellungen öffnen',
  },
  accountNeedsInformation: {
    subject: (tenant) => `Stripe benötigt weitere Angaben zu ${tenant}`,
    previewBy: (by) => `Machen Sie sie bis ${by}, damit Zahlungen und Auszahlungen aktiv bleiben.`,
    previewNoBy: 'Machen Sie sie, damit Zahlungen aktiv bleiben.',
    heading: 'Ihr Konto benötigt Angaben',
    body: 'Stripe bittet um weitere Angaben zu Ihrem Unternehmen. Ohne sie können Zahlungen oder Auszahlungen pausiert werden.',
    needed: 'Benötigt',
    seeDashboard: 'siehe Ihr Dashboard',
    dueBy: 'Fällig bis',
    noDeadline: 'keine Frist gesetzt',
    button: 'Angaben machen',
  },
  accountDisabled: {
    subject: (tenant) => `Handlungsbedarf: Das Stripe-Konto von ${tenant} ist deaktiviert`,
    preview: 'Zahlungen oder Auszahlungen sind pausiert.',
    heading: 'Ihr Stripe-Konto ist deaktiviert',
    body: 'Stripe hat Zahlungen oder Auszahlungen auf Ihrem Konto pausiert. Kunden können Sie nicht bezahlen, bis es wieder aktiviert ist.',
    button: 'Zahlungseinrichtung öffnen',
  },
  accountDeauthorized: {
    subject: (tenant) => `Das Stripe-Konto von ${tenant} wurde getrennt`,
    preview: 'Zahlungen darüber stoppen, bis wieder ein Konto verbunden ist.',
    heading: 'Ihr Stripe-Konto wurde getrennt',
    body: 'Das Stripe-Konto wurde von der Plattform getrennt. Es sind keine Zahlungen möglich, bis wieder ein Konto verbunden ist.',
    button: 'Ein Konto verbinden',
  },
  usageThreshold: {
    subject: (threshold, metric, tenant) => `${tenant} hat ${threshold} % des Limits für ${metric} erreicht`,
    preview: (used, limit) => `${used} von ${limit} in diesem Abrechnungszeitraum genutzt.`,
    heading: (threshold, metric) => `${threshold} % Ihres Limits für ${metric} erreicht`,
    body: (plan, threshold) =>
      threshold >= 100
        ? `Ihre Nutzung hat das Limit Ihres Tarifs ${plan} für diesen Abrechnungszeitraum erreicht.`
        : `Ihre Nutzung liegt bei ${threshold} % des Limits Ihres Tarifs ${plan} für diesen Abrechnungszeitraum.`,
    used: 'Genutzt',
    limit: 'Limit',
    resets: 'Zurückgesetzt am',
    button: 'Ihre Nutzung ansehen',
    metricName: { payment_volume: 'Zahlungsvolumen', seats: 'Plätze' },
  },
  invoicePaid: {
    subject: (amount, tenant) => `Rechnung bezahlt: ${amount} an ${tenant}`,
    previewWho: (email) => `${email} hat bezahlt.`,
    previewAnon: 'Ihr Kunde hat bezahlt.',
    heading: 'Eine Rechnung wurde bezahlt',
    customer: 'Kunde',
    button: 'Ihre Rechnungen ansehen',
  },
  receipt: {
    subject: (tenant, number) => `Ihre Quittung von ${tenant}${number ? ` Nr. ${number}` : ''}`,
    preview: (amount, tenant) => `${amount} an ${tenant} bezahlt.`,
    heading: (tenant) => `Quittung von ${tenant}`,
    thanks: (amount) => `Vielen Dank für Ihre Zahlung über ${amount}.`,
    totalPaid: 'Bezahlt insgesamt',
    paidOn: 'Bezahlt am',
    receiptNumber: 'Quittungsnummer',
    button: 'Ihre Quittung ansehen',
  },
  invoiceSent: {
    subject: (tenant, amount) => `Rechnung von ${tenant} über ${amount}`,
    previewDue: (due) => `Fällig bis ${due}.`,
    previewPay: (amount) => `Zahlen Sie ${amount} online.`,
    heading: (tenant) => `${tenant} hat Ihnen eine Rechnung gesendet`,
    amountDue: 'Fälliger Betrag',
    dueBy: 'Fällig bis',
    onReceipt: 'bei Erhalt',
    button: 'Rechnung bezahlen',
  },
  paymentFailed: {
    subject: (amount, tenant) => `Ihre Zahlung über ${amount} an ${tenant} ist fehlgeschlagen`,
    preview: 'Aktualisieren Sie Ihre Karte, damit Ihr Konto in Ordnung bleibt.',
    heading: 'Ihre Zahlung ist fehlgeschlagen',
    body: (amount, why) =>
      `Wir konnten ${amount} nicht von Ihrer Karte abbuchen${why ? `: ${why}` : '.'} Bitte aktualisieren Sie Ihre Zahlungsdaten.`,
    button: 'Karte aktualisieren',
    payInvoice: 'Rechnung jetzt bezahlen',
  },
  renewalReminder: {
    subject: (tenant, when) => `Ihr Abonnement bei ${tenant} verlängert sich am ${when}`,
    preview: (amount) => `${amount} werden abgebucht.`,
    heading: 'Ihr Abonnement verlängert sich bald',
    subscription: 'Abonnement',
    renewsOn: 'Verlängerung am',
    body: 'Wenn Sie weitermachen möchten, ist nichts zu tun. Um es zu ändern oder zu kündigen, kontaktieren Sie uns vor diesem Datum.',
  },
  cardExpiring: {
    card: (brand, last4) => `${brand} mit der Endung ${last4}`,
    subject: (tenant) => `Ihre bei ${tenant} hinterlegte Karte läuft bald ab`,
    preview: (card, expiry) => `${card} läuft ${expiry} ab.`,
    heading: 'Ihre Karte läuft bald ab',
    body: (card, expiry) =>
      `Ihre ${card} läuft Ende ${expiry} ab. Aktualisieren Sie sie, um eine Unterbrechung zu vermeiden.`,
    button: 'Karte aktualisieren',
  },
  dunning: {
    reason: {
      insufficient_funds: 'die Karte ist nicht ausreichend gedeckt',
      generic_decline: 'die Karte wurde abgelehnt',
      do_not_honor: 'die Bank hat die Zahlung abgelehnt',
      expired_card: 'die Karte ist abgelaufen',
      lost_card: 'die Karte wurde als verloren gemeldet',
      stolen_card: 'die Karte wurde als gestohlen gemeldet',
      pickup_card: 'die Bank hat die Karte eingezogen',
      incorrect_number: 'die Kartennummer ist falsch',
      incorrect_cvc: 'der Sicherheitscode der Karte ist falsch',
      processing_error: 'die Karte konnte nicht verarbeitet werden',
      authentication_required: 'die Bank verlangt eine Authentifizierung',
      no_payment_method: 'es ist keine Zahlungsmethode hinterlegt',
    },
    reasonOther: 'die Zahlung wurde abgelehnt',
    amount: 'Fälliger Betrag',
    reasonLabel: 'Grund',
    nextAttempt: 'Nächster Versuch',
    suspendsOn: 'Sperrung am',
    button: 'Jetzt bezahlen',
    failedSubject: (amount, tenant) => `Zahlung von ${amount} für den Tarif von ${tenant} fehlgeschlagen`,
    failedPreview: (why) => `Die Verlängerung Ihres Tarifs konnte nicht abgebucht werden: ${why}.`,
    failedHeading: 'Die Zahlung Ihres Tarifs ist fehlgeschlagen',
    failedBody: (amount, why) =>
      `Wir konnten ${amount} für die Verlängerung Ihres Tarifs nicht abbuchen: ${why}. Wir versuchen es erneut mit jeder hinterlegten Zahlungsmethode; Sie können auch jetzt bezahlen oder eine andere Karte hinzufügen.`,
    attemptSubject: (n, of, tenant) =>
      `Zahlungsversuch ${n} von ${of} für den Tarif von ${tenant} fehlgeschlagen`,
    attemptPreview: (next) => (next ? `Nächster Versuch am ${next}.` : 'Das war der letzte Versuch.'),
    attemptHeading: (n, of) => `Versuch ${n} von ${of} fehlgeschlagen`,
    attemptBody: (amount, why, next, suspend) =>
      next
        ? `Wir konnten ${amount} nicht abbuchen: ${why}. Der nächste Versuch ist am ${next}. Bezahlen Sie jetzt, um vollen Zugriff zu behalten.`
        : `Wir konnten ${amount} nicht abbuchen: ${why}. Das war der letzte Versuch: Einige Funktionen sind jetzt eingeschränkt, und das Konto wird am ${suspend} gesperrt, wenn die Rechnung nicht bezahlt wird.`,
    suspendedSubject: (tenant) => `Das Konto von ${tenant} ist gesperrt`,
    suspendedPreview: (amount) => `${amount} sind noch fällig.`,
    suspendedHeading: 'Ihr Konto ist gesperrt',
    suspendedBody: (amount) =>
      `Die Rechnung Ihres Tarifs über ${amount} ist noch offen, daher ist Ihr Konto gesperrt: Ihre Daten bleiben erhalten und Zahlungen laufen weiter, aber neue Rechnungen, Zahlungslinks und Abonnements werden abgelehnt. Bezahlen Sie die Rechnung, um sofort wieder vollen Zugriff zu haben.`,
    recoveredSubject: (tenant) => `Zahlung erhalten: Das Konto von ${tenant} ist wieder in Ordnung`,
    recoveredPreview: (amount) => `${amount} bezahlt.`,
    recoveredHeading: 'Zahlung erhalten',
    recoveredBody: (amount) =>
      `Vielen Dank: ${amount} wurden bezahlt, und Ihr Konto hat wieder vollen Zugriff.`,
  },
  billingContact: {
    subject: (tenant) => `Bestätigen Sie Ihre Adresse als Rechnungskontakt von ${tenant}`,
    preview: 'Öffnen Sie den Link, um diese Adresse zu bestätigen.',
    heading: 'Bestätigen Sie Ihre Adresse',
    body: (tenant, hours) =>
      `Diese Adresse wurde als Rechnungskontakt von ${tenant} angegeben. Bestätigen Sie sie, um dessen Rechnungs-E-Mails und Antworten darauf zu erhalten. Der Link funktioniert einmal, ${hours} Stunden lang.`,
    button: 'Diese Adresse bestätigen',
    ignore: 'Wenn Sie dies nicht erwartet haben, ignorieren Sie es: Es ändert sich nichts.',
    footer: (tenant) =>
      `Sie erhalten diese E-Mail, weil diese Adresse als Rechnungskontakt von ${tenant} angegeben wurde.`,
  },
};
