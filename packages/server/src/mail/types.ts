/** One outgoing email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends email; the default writes files to a folder, `smtp` speaks SMTP through nodemailer. */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}
