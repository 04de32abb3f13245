import type { Messages } from './en.ts';

// Le texte fixe de chaque e-mail, en français (montants et dates arrivent déjà formatés par Intl).

export const fr: Messages = {
  common: {
    amount: 'Montant',
    reason: 'Motif',
    account: 'Compte',
    invoice: 'Facture',
    notGiven: 'non précisé',
    viewPayment: 'Voir le paiement',
    ownerFooter: (tenant) =>
      `Vous recevez cet e-mail en tant que propriétaire ou administrateur de ${tenant}.`,
    customerFooter: (tenant) => `${tenant} vous a envoyé cet e-mail au sujet de votre compte chez eux.`,
  },
  disputeOpened: {
    subject: (amount, tenant) => `Action requise : un paiement de ${amount} à ${tenant} est contesté`,
    previewDue: (due) => `Envoyez vos justificatifs avant le ${due}.`,
    previewNoDue: 'Consultez le litige dans votre tableau de bord.',
    heading: 'Un paiement a été contesté',
    body: (amount, tenant) =>
      `La banque d’un client a contesté un paiement de ${amount} à ${tenant}. Le montant et des frais de litige sont retirés de votre solde jusqu’à la décision.`,
    evidenceDueBy: 'Justificatifs à fournir avant le',
    noEvidence: 'aucun justificatif n’est demandé',
    dispute: 'Litige',
    submitBefore: (due) => `Envoyez vos justificatifs avant le ${due}. Sans eux, le litige est perdu.`,
    button: 'Répondre au litige',
  },
  disputeClosed: {
    outcomes: {
      won: {
        title: 'Vous avez gagné le litige',
        text: 'La banque a tranché en votre faveur : le montant contesté est rendu à votre solde.',
      },
      lost: {
        title: 'Vous avez perdu le litige',
        text: 'La banque a tranché en faveur du client : le montant contesté et les frais de litige ne sont pas rendus.',
      },
      warning_closed: {
        title: 'La demande de renseignements est close',
        text: 'La banque a clos sa demande sans ouvrir de litige. Rien n’a été retiré.',
      },
    },
    otherTitle: 'Le litige est clos',
    otherText: (status) => `Le litige s’est terminé avec le statut ${status}.`,
    subject: (title, amount, tenant) => `${title} : paiement de ${amount} à ${tenant}`,
    outcome: 'Issue',
  },
  refundFailed: {
    subject: (amount, tenant) => `Un remboursement de ${amount} par ${tenant} a échoué`,
    preview: 'L’argent est revenu sur votre solde ; le client n’a pas été remboursé.',
    heading: 'Un remboursement a échoué',
    body: (amount) =>
      `La banque du client n’a pas accepté un remboursement de ${amount}. Le montant est revenu sur votre solde : remboursez le client autrement, ou réessayez.`,
    refund: 'Remboursement',
  },
  payoutFailed: {
    subject: (amount, tenant) =>
      `Action requise : un virement de ${amount} vers le compte bancaire de ${tenant} a échoué`,
    preview: 'Vérifiez le compte bancaire qui reçoit vos virements.',
    heading: 'Un virement a échoué',
    body: (amount) =>
      `Votre banque n’a pas accepté un virement de ${amount} ; le montant est revenu sur votre solde Stripe. Vérifiez le compte bancaire qui reçoit vos virements : les suivants attendent qu’il soit corrigé.`,
    payout: 'Virement',
    button: 'Ouvrir les réglages du compte',
  },
  accountNeedsInformation: {
    subject: (tenant) => `Stripe a besoin d’informations supplémentaires sur ${tenant}`,
    previewBy: (by) => `Fournissez-les avant le ${by} pour garder paiements et virements actifs.`,
    previewNoBy: 'Fournissez-les pour garder les paiements actifs.',
    heading: 'Votre compte a besoin d’informations',
    body: 'Stripe demande des informations supplémentaires sur votre activité. Sans elles, les paiements ou les virements peuvent être suspendus.',
    needed: 'À fournir',
    seeDashboard: 'voir votre tableau de bord',
    dueBy: 'Avant le',
    noDeadline: 'aucune échéance fixée',
    button: 'Fournir les informations',
  },
  accountDisabled: {
    subject: (tenant) => `Action requise : le compte Stripe de ${tenant} est désactivé`,
    preview: 'Les paiements ou les virements sont suspendus.',
    heading: 'Votre compte Stripe est désactivé',
    body: 'Stripe a suspendu les paiements ou les virements de votre compte. Vos clients ne peuvent plus vous payer tant qu’il n’est pas réactivé.',
    button: 'Ouvrir la configuration des paiements',
  },
  accountDeauthorized: {
    subject: (tenant) => `Le compte Stripe de ${tenant} a été déconnecté`,
    preview: 'Les paiements par ce compte s’arrêtent jusqu’à ce qu’un compte soit reconnecté.',
    heading: 'Votre compte Stripe a été déconnecté',
    body: 'Le compte Stripe a été déconnecté de la plateforme. Aucun paiement n’est possible tant qu’un compte n’est pas reconnecté.',
    button: 'Connecter un compte',
  },
  usageThreshold: {
    subject: (threshold, metric, tenant) => `${tenant} a utilisé ${threshold} % de sa limite de ${metric}`,
    preview: (used, limit) => `${used} utilisés sur ${limit} pour cette période de facturation.`,
    heading: (threshold, metric) => `${threshold} % de votre limite de ${metric} atteints`,
    body: (plan, threshold) =>
      threshold >= 100
        ? `Votre utilisation a atteint la limite de votre offre ${plan} pour cette période de facturation.`
        : `Votre utilisation atteint ${threshold} % de la limite de votre offre ${plan} pour cette période de facturation.`,
    used: 'Utilisé',
    limit: 'Limite',
    resets: 'Remise à zéro le',
    button: 'Voir votre utilisation',
    metricName: { payment_volume: 'volume de paiements', seats: 'sièges' },
  },
  invoicePaid: {
    subject: (amount, tenant) => `Facture payée : ${amount} à ${tenant}`,
    previewWho: (email) => `${email} a payé.`,
    previewAnon: 'Votre client a payé.',
    heading: 'Une facture a été payée',
    customer: 'Client',
    button: 'Voir vos factures',
  },
  receipt: {
    subject: (tenant, number) => `Votre reçu de ${tenant}${number ? ` n° ${number}` : ''}`,
    preview: (amount, tenant) => `${amount} payés à ${tenant}.`,
    heading: (tenant) => `Reçu de ${tenant}`,
    thanks: (amount) => `Merci pour votre paiement de ${amount}.`,
    totalPaid: 'Total payé',
    paidOn: 'Payé le',
    receiptNumber: 'Numéro de reçu',
    button: 'Voir votre reçu',
  },
  invoiceSent: {
    subject: (tenant, amount) => `Facture de ${tenant} d’un montant de ${amount}`,
    previewDue: (due) => `À régler avant le ${due}.`,
    previewPay: (amount) => `Payez ${amount} en ligne.`,
    heading: (tenant) => `${tenant} vous a envoyé une facture`,
    amountDue: 'Montant dû',
    dueBy: 'À régler avant le',
    onReceipt: 'à réception',
    button: 'Payer la facture',
  },
  paymentFailed: {
    subject: (amount, tenant) => `Votre paiement de ${amount} à ${tenant} a échoué`,
    preview: 'Mettez à jour votre carte pour que votre compte reste en règle.',
    heading: 'Votre paiement a échoué',
    body: (amount, why) =>
      `Nous n’avons pas pu débiter ${amount} sur votre carte${why ? ` : ${why}` : '.'} Merci de mettre à jour vos moyens de paiement.`,
    button: 'Mettre à jour votre carte',
    payInvoice: 'Payer la facture maintenant',
  },
  renewalReminder: {
    subject: (tenant, when) => `Votre abonnement ${tenant} se renouvelle le ${when}`,
    preview: (amount) => `${amount} seront débités.`,
    heading: 'Votre abonnement se renouvelle bientôt',
    subscription: 'Abonnement',
    renewsOn: 'Renouvellement le',
    body: 'Rien à faire pour continuer. Pour le modifier ou le résilier, contactez-nous avant cette date.',
  },
  cardExpiring: {
    card: (brand, last4) => `${brand} se terminant par ${last4}`,
    subject: (tenant) => `Votre carte enregistrée chez ${tenant} expire bientôt`,
    preview: (card, expiry) => `${card} expire le ${expiry}.`,
    heading: 'Votre carte expire bientôt',
    body: (card, expiry) =>
      `Votre carte ${card} expire à la fin de ${expiry}. Mettez-la à jour pour éviter une interruption.`,
    button: 'Mettre à jour votre carte',
  },
  dunning: {
    reason: {
      insufficient_funds: 'la carte est insuffisamment approvisionnée',
      generic_decline: 'la carte a été refusée',
      do_not_honor: 'la banque a refusé le paiement',
      expired_card: 'la carte a expiré',
      lost_card: 'la carte a été déclarée perdue',
      stolen_card: 'la carte a été déclarée volée',
      pickup_card: 'la banque a demandé le retrait de la carte',
      incorrect_number: 'le numéro de carte est incorrect',
      incorrect_cvc: 'le code de sécurité de la carte est incorrect',
      processing_error: "la carte n'a pas pu être traitée",
      authentication_required: 'la banque exige une authentification',
      no_payment_method: "aucun moyen de paiement n'est enregistré",
    },
    reasonOther: 'le paiement a été refusé',
    amount: 'Montant dû',
    reasonLabel: 'Motif',
    nextAttempt: 'Prochaine tentative',
    suspendsOn: 'Suspension le',
    button: 'Payer maintenant',
    failedSubject: (amount, tenant) => `Le paiement de ${amount} pour l'offre de ${tenant} a échoué`,
    failedPreview: (why) => `Le renouvellement de votre offre n'a pas pu être prélevé : ${why}.`,
    failedHeading: 'Le paiement de votre offre a échoué',
    failedBody: (amount, why) =>
      `Nous n'avons pas pu prélever ${amount} pour le renouvellement de votre offre : ${why}. Nous réessaierons avec chaque moyen de paiement enregistré ; vous pouvez aussi payer maintenant ou ajouter une autre carte.`,
    attemptSubject: (n, of, tenant) =>
      `La tentative de paiement ${n} sur ${of} pour l'offre de ${tenant} a échoué`,
    attemptPreview: (next) => (next ? `Prochaine tentative le ${next}.` : "C'était la dernière tentative."),
    attemptHeading: (n, of) => `La tentative ${n} sur ${of} a échoué`,
    attemptBody: (amount, why, next, suspend) =>
      next
        ? `Nous n'avons pas pu prélever ${amount} : ${why}. La prochaine tentative aura lieu le ${next}. Payez maintenant pour garder un accès complet.`
        : `Nous n'avons pas pu prélever ${amount} : ${why}. C'était la dernière tentative : certaines fonctions sont désormais restreintes, et le compte sera suspendu le ${suspend} si la facture n'est pas payée.`,
    suspendedSubject: (tenant) => `Le compte de ${tenant} est suspendu`,
    suspendedPreview: (amount) => `${amount} reste dû.`,
    suspendedHeading: 'Votre compte est suspendu',
    suspendedBody: (amount) =>
      `La facture de votre offre de ${amount} est toujours impayée : votre compte est donc suspendu. Vos données sont conservées et les paiements continuent, mais les nouvelles factures, liens de paiement et abonnements sont refusés. Payez la facture pour retrouver immédiatement un accès complet.`,
    recoveredSubject: (tenant) => `Paiement reçu : le compte de ${tenant} est de nouveau en règle`,
    recoveredPreview: (amount) => `${amount} payé.`,
    recoveredHeading: 'Paiement reçu',
    recoveredBody: (amount) => `Merci : ${amount} a été payé et votre compte retrouve un accès complet.`,
  },
  billingContact: {
    subject: (tenant) => `Confirmez votre adresse comme contact de facturation de ${tenant}`,
    preview: 'Ouvrez le lien pour confirmer cette adresse.',
    heading: 'Confirmez votre adresse',
    body: (tenant, hours) =>
      `Cette adresse a été indiquée comme contact de facturation de ${tenant}. Confirmez-la pour recevoir ses e-mails de facturation et les réponses. Le lien fonctionne une fois, pendant ${hours} heures.`,
    button: 'Confirmer cette adresse',
    ignore: 'Si vous ne vous y attendiez pas, ignorez cet e-mail : rien ne change.',
    footer: (tenant) =>
      `Vous recevez cet e-mail car cette adresse a été indiquée comme contact de facturation de ${tenant}.`,
  },
};
