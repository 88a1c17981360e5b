package notify

// The built-in texts. Each kind has a subject, a lead sentence (used in the
// email and SMS, so it may only use the public fields) and an inbox body.

type kindTexts struct {
	subject, lead, inbox Text
}

const caseRef = `{{with .CaseRef}} {{.}}{{end}}`

func builtinTexts() map[Kind]kindTexts {
	return map[Kind]kindTexts{
		KindReceipt: {
			subject: Text{"Vi har tagit emot din ansökan" + caseRef, "We have received your application" + caseRef},
			lead: Text{
				"Vi har tagit emot din ansökan{{with .CaseRef}} och registrerat den med diarienummer {{.}}{{end}}.",
				"We have received your application{{with .CaseRef}} and registered it as {{.}}{{end}}.",
			},
			inbox: Text{
				"Vi har tagit emot din ansökan{{with .Data.service}} om {{.}}{{end}}{{with .CaseRef}} och registrerat den med diarienummer {{.}}{{end}}. Du kan följa ärendet här på Mina sidor.",
				"We have received your application{{with .Data.service}} for {{.}}{{end}}{{with .CaseRef}} and registered it as {{.}}{{end}}. You can follow the case here on My pages.",
			},
		},
		KindCaseReceived: {
			subject: Text{"En handläggare har tagit emot ditt ärende" + caseRef, "A case officer has received your case" + caseRef},
			lead: Text{
				"En handläggare har nu tagit emot ditt ärende" + caseRef + ".",
				"A case officer has now received your case" + caseRef + ".",
			},
			inbox: Text{
				"En handläggare har nu tagit emot ditt ärende" + caseRef + "{{with .Data.service}} ({{.}}){{end}}. Du får ett meddelande här när något händer i ärendet.",
				"A case officer has now received your case" + caseRef + "{{with .Data.service}} ({{.}}){{end}}. You will get a message here when something happens in the case.",
			},
		},
		KindNewMessage: {
			subject: Text{"Nytt meddelande i ditt ärende" + caseRef, "New message about your case" + caseRef},
			lead: Text{
				"Du har fått ett nytt meddelande från handläggaren i ditt ärende" + caseRef + ".",
				"You have a new message from the case officer about your case" + caseRef + ".",
			},
			inbox: Text{
				"Meddelande från handläggaren{{with .CaseRef}} i ärende {{.}}{{end}}:\n\n{{.Data.text}}",
				"Message from the case officer{{with .CaseRef}} about case {{.}}{{end}}:\n\n{{.Data.text}}",
			},
		},
		KindNewCase: {
			subject: Text{"Nytt ärende" + caseRef, "New case" + caseRef},
			lead: Text{
				"Ett nytt ärende har kommit in" + caseRef + ".",
				"A new case has arrived" + caseRef + ".",
			},
			inbox: Text{
				"Ett nytt ärende har kommit in" + caseRef + "{{with .Data.service}} ({{.}}){{end}}. Öppna det i handläggarens inkorg.",
				"A new case has arrived" + caseRef + "{{with .Data.service}} ({{.}}){{end}}. Open it in the officers' inbox.",
			},
		},
		KindReplied: {
			subject: Text{"Svar från den sökande i ärende" + caseRef, "Reply from the applicant in case" + caseRef},
			lead: Text{
				"Den sökande har svarat i ärende" + caseRef + ".",
				"The applicant has replied in case" + caseRef + ".",
			},
			inbox: Text{
				"Den sökande har svarat i ärende" + caseRef + ". Läs svaret i ärendet.",
				"The applicant has replied in case" + caseRef + ". Read the reply in the case.",
			},
		},
		KindComplementRequested: {
			subject: Text{"Komplettering behövs i ditt ärende" + caseRef, "More information needed for your case" + caseRef},
			lead: Text{
				"Handläggaren behöver fler uppgifter i ditt ärende" + caseRef + ".",
				"The case officer needs more information for your case" + caseRef + ".",
			},
			inbox: Text{
				"Handläggaren behöver fler uppgifter{{with .CaseRef}} i ärende {{.}}{{end}}{{with .Data.due}}, senast {{.}}{{end}}:\n\n{{.Data.text}}",
				"The case officer needs more information{{with .CaseRef}} for case {{.}}{{end}}{{with .Data.due}} by {{.}}{{end}}:\n\n{{.Data.text}}",
			},
		},
		KindComplemented: {
			subject: Text{"Vi har tagit emot din komplettering" + caseRef, "We have received your additional information" + caseRef},
			lead: Text{
				"Vi har tagit emot din komplettering{{with .CaseRef}} till ärende {{.}}{{end}}.",
				"We have received your additional information{{with .CaseRef}} for case {{.}}{{end}}.",
			},
			inbox: Text{
				"Vi har tagit emot din komplettering{{with .CaseRef}} till ärende {{.}}{{end}}. Handläggaren går igenom den.",
				"We have received your additional information{{with .CaseRef}} for case {{.}}{{end}}. The case officer will review it.",
			},
		},
		KindDecision: {
			subject: Text{"Beslut i ditt ärende" + caseRef, "Decision in your case" + caseRef},
			lead: Text{
				"Det finns ett beslut i ditt ärende" + caseRef + ".",
				"There is a decision in your case" + caseRef + ".",
			},
			inbox: Text{
				"Det finns ett beslut i ditt ärende" + caseRef + ".{{with .Data.text}}\n\n{{.}}{{end}}",
				"There is a decision in your case" + caseRef + ".{{with .Data.text}}\n\n{{.}}{{end}}",
			},
		},
		KindDraftExpiring: {
			subject: Text{"Din påbörjade ansökan raderas snart", "Your unfinished application will soon be deleted"},
			lead: Text{
				"En ansökan som du har påbörjat men inte skickat in raderas snart. Logga in och skicka in den om du vill behålla den.",
				"An application you started but have not submitted will soon be deleted. Log in and submit it if you want to keep it.",
			},
			inbox: Text{
				"Din påbörjade ansökan{{with .Data.service}} om {{.}}{{end}} raderas{{with .Data.due}} den {{.}}{{else}} snart{{end}}. Skicka in den om du vill behålla den.",
				"Your unfinished application{{with .Data.service}} for {{.}}{{end}} will be deleted{{with .Data.due}} on {{.}}{{else}} soon{{end}}. Submit it if you want to keep it.",
			},
		},
	}
}

// DefaultTemplateDefs returns the built-in templates: every built-in kind in
// Swedish and English. Pass them to NewTemplates before your own defs to
// override single kinds.
func DefaultTemplateDefs() []TemplateDef {
	texts := builtinTexts()
	var defs []TemplateDef
	for _, kind := range Kinds() {
		kt := texts[kind]
		for _, lang := range Langs() {
			defs = append(defs, TemplateDef{Kind: kind, Lang: lang, Template: wrap(lang, kt.subject.In(lang), kt.lead.In(lang), kt.inbox.In(lang))})
		}
	}
	return defs
}

// wrap builds the email, HTML and SMS around a kind's lead sentence.
func wrap(lang Lang, subject, lead, inbox string) Template {
	if lang == English {
		return Template{
			Subject: subject,
			Email: "Hello,\n\n" + lead + "\n\n" +
				"Log in to My pages to read more{{if .Link}}: {{.Link}}{{else}}.{{end}}\n\n" +
				"This message cannot be answered. Please do not send personal or case details to us by email.\n" +
				"{{with .Organisation}}\n{{.}}\n{{end}}",
			HTML: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>` + subject + `</title></head>
<body>
<p>Hello,</p>
<p>` + lead + `</p>
<p>{{if .Link}}<a href="{{.Link}}">Log in to My pages</a> to read more.{{else}}Log in to My pages to read more.{{end}}</p>
<p>This message cannot be answered. Please do not send personal or case details to us by email.</p>
{{with .Organisation}}<p>{{.}}</p>{{end}}
</body></html>
`,
			SMS:       "{{with .Organisation}}{{.}}: {{end}}" + lead + " Log in to My pages to read more{{if .Link}}: {{.Link}}{{else}}.{{end}}",
			InboxBody: inbox,
		}
	}
	return Template{
		Subject: subject,
		Email: "Hej!\n\n" + lead + "\n\n" +
			"Logga in på Mina sidor för att läsa mer{{if .Link}}: {{.Link}}{{else}}.{{end}}\n\n" +
			"Det här meddelandet går inte att svara på. Skicka inte personuppgifter eller uppgifter om ärendet till oss med e-post.\n" +
			"{{with .Organisation}}\n{{.}}\n{{end}}",
		HTML: `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>` + subject + `</title></head>
<body>
<p>Hej!</p>
<p>` + lead + `</p>
<p>{{if .Link}}<a href="{{.Link}}">Logga in på Mina sidor</a> för att läsa mer.{{else}}Logga in på Mina sidor för att läsa mer.{{end}}</p>
<p>Det här meddelandet går inte att svara på. Skicka inte personuppgifter eller uppgifter om ärendet till oss med e-post.</p>
{{with .Organisation}}<p>{{.}}</p>{{end}}
</body></html>
`,
		SMS:       "{{with .Organisation}}{{.}}: {{end}}" + lead + " Logga in på Mina sidor för att läsa mer{{if .Link}}: {{.Link}}{{else}}.{{end}}",
		InboxBody: inbox,
	}
}
