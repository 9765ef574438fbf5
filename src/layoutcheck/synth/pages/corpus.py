"""Word pools, UI strings, names and locale formats of the page languages (data only).

Each language has a pool of real words (sentences are drawn from it, so text has the word lengths,
accents and scripts of the language, not its grammar), a table of UI strings, personal names,
month names and number/currency formats. :mod:`.text` turns these into text.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Main text languages (BCP-47) with their sampling weights.
LANG_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("en", 0.34), ("de", 0.12), ("fr", 0.10), ("es", 0.09), ("pl", 0.08),
    ("ru", 0.10), ("el", 0.07), ("ar", 0.10),
)

_UI_LANGS = ("en", "de", "fr", "es", "pl", "ru", "el", "ar")

# key | en | de | fr | es | pl | ru | el | ar
_UI_TABLE = """
home|Home|Startseite|Accueil|Inicio|Strona główna|Главная|Αρχική|الرئيسية
products|Products|Produkte|Produits|Productos|Produkty|Продукты|Προϊόντα|المنتجات
features|Features|Funktionen|Fonctionnalités|Funciones|Funkcje|Возможности|Χαρακτηριστικά|الميزات
pricing|Pricing|Preise|Tarifs|Precios|Cennik|Цены|Τιμές|الأسعار
about|About|Über uns|À propos|Acerca de|O nas|О нас|Σχετικά|من نحن
blog|Blog|Blog|Blog|Blog|Blog|Блог|Ιστολόγιο|المدونة
contact|Contact|Kontakt|Contact|Contacto|Kontakt|Контакты|Επικοινωνία|اتصل بنا
docs|Docs|Dokumentation|Documentation|Documentación|Dokumentacja|Документация|Τεκμηρίωση|التوثيق
support|Support|Hilfe|Assistance|Soporte|Pomoc|Поддержка|Υποστήριξη|الدعم
careers|Careers|Karriere|Carrières|Empleo|Kariera|Вакансии|Καριέρα|الوظائف
company|Company|Unternehmen|Entreprise|Empresa|Firma|Компания|Εταιρεία|الشركة
resources|Resources|Ressourcen|Ressources|Recursos|Zasoby|Ресурсы|Πόροι|الموارد
customers|Customers|Kunden|Clients|Clientes|Klienci|Клиенты|Πελάτες|العملاء
shop|Shop|Shop|Boutique|Tienda|Sklep|Магазин|Κατάστημα|المتجر
sign_in|Sign in|Anmelden|Se connecter|Iniciar sesión|Zaloguj się|Войти|Σύνδεση|تسجيل الدخول
sign_up|Sign up|Registrieren|S'inscrire|Registrarse|Zarejestruj się|Регистрация|Εγγραφή|إنشاء حساب
log_out|Log out|Abmelden|Déconnexion|Cerrar sesión|Wyloguj|Выйти|Αποσύνδεση|تسجيل الخروج
get_started|Get started|Jetzt starten|Commencer|Empezar|Zacznij teraz|Начать|Ξεκινήστε|ابدأ الآن
learn_more|Learn more|Mehr erfahren|En savoir plus|Más información|Dowiedz się więcej|Подробнее|Μάθετε περισσότερα|اعرف المزيد
try_free|Try it free|Kostenlos testen|Essai gratuit|Prueba gratis|Wypróbuj za darmo|Попробовать бесплатно|Δοκιμάστε δωρεάν|جرّب مجانًا
contact_sales|Contact sales|Vertrieb kontaktieren|Contacter les ventes|Contactar con ventas|Kontakt z działem sprzedaży|Связаться с отделом продаж|Επικοινωνία με πωλήσεις|تواصل مع المبيعات
buy_now|Buy now|Jetzt kaufen|Acheter|Comprar ahora|Kup teraz|Купить|Αγορά τώρα|اشترِ الآن
add_to_cart|Add to cart|In den Warenkorb|Ajouter au panier|Añadir al carrito|Dodaj do koszyka|В корзину|Προσθήκη στο καλάθι|أضف إلى السلة
cart|Cart|Warenkorb|Panier|Carrito|Koszyk|Корзина|Καλάθι|السلة
checkout|Checkout|Zur Kasse|Paiement|Pagar|Do kasy|Оформить заказ|Ολοκλήρωση αγοράς|الدفع
subscribe|Subscribe|Abonnieren|S'abonner|Suscribirse|Subskrybuj|Подписаться|Εγγραφή|اشترك
download|Download|Herunterladen|Télécharger|Descargar|Pobierz|Скачать|Λήψη|تنزيل
read_more|Read more|Weiterlesen|Lire la suite|Leer más|Czytaj dalej|Читать далее|Διαβάστε περισσότερα|اقرأ المزيد
view_all|View all|Alle anzeigen|Tout voir|Ver todo|Zobacz wszystkie|Смотреть все|Προβολή όλων|عرض الكل
save|Save changes|Änderungen speichern|Enregistrer|Guardar cambios|Zapisz zmiany|Сохранить изменения|Αποθήκευση αλλαγών|حفظ التغييرات
cancel|Cancel|Abbrechen|Annuler|Cancelar|Anuluj|Отмена|Ακύρωση|إلغاء
delete|Delete|Löschen|Supprimer|Eliminar|Usuń|Удалить|Διαγραφή|حذف
edit|Edit|Bearbeiten|Modifier|Editar|Edytuj|Изменить|Επεξεργασία|تعديل
apply|Apply|Anwenden|Appliquer|Aplicar|Zastosuj|Применить|Εφαρμογή|تطبيق
reset|Reset|Zurücksetzen|Réinitialiser|Restablecer|Resetuj|Сбросить|Επαναφορά|إعادة تعيين
submit|Submit|Absenden|Envoyer|Enviar|Wyślij|Отправить|Υποβολή|إرسال
continue|Continue|Weiter|Continuer|Continuar|Dalej|Продолжить|Συνέχεια|متابعة
next|Next|Weiter|Suivant|Siguiente|Następna|Далее|Επόμενο|التالي
previous|Previous|Zurück|Précédent|Anterior|Poprzednia|Назад|Προηγούμενο|السابق
search|Search|Suchen|Rechercher|Buscar|Szukaj|Поиск|Αναζήτηση|بحث
filter|Filters|Filter|Filtres|Filtros|Filtry|Фильтры|Φίλτρα|عوامل التصفية
sort_by|Sort by|Sortieren nach|Trier par|Ordenar por|Sortuj według|Сортировать по|Ταξινόμηση κατά|ترتيب حسب
email|Email address|E-Mail-Adresse|Adresse e-mail|Correo electrónico|Adres e-mail|Электронная почта|Διεύθυνση email|البريد الإلكتروني
password|Password|Passwort|Mot de passe|Contraseña|Hasło|Пароль|Κωδικός πρόσβασης|كلمة المرور
full_name|Full name|Vollständiger Name|Nom complet|Nombre completo|Imię i nazwisko|Полное имя|Ονοματεπώνυμο|الاسم الكامل
first_name|First name|Vorname|Prénom|Nombre|Imię|Имя|Όνομα|الاسم الأول
last_name|Last name|Nachname|Nom|Apellidos|Nazwisko|Фамилия|Επώνυμο|اسم العائلة
company_name|Company|Firma|Société|Empresa|Firma|Компания|Εταιρεία|الشركة
phone|Phone|Telefon|Téléphone|Teléfono|Telefon|Телефон|Τηλέφωνο|الهاتف
address|Street address|Straße und Hausnummer|Adresse|Dirección|Ulica i numer|Адрес|Διεύθυνση|العنوان
city|City|Stadt|Ville|Ciudad|Miasto|Город|Πόλη|المدينة
zip|ZIP code|Postleitzahl|Code postal|Código postal|Kod pocztowy|Почтовый индекс|Ταχυδρομικός κώδικας|الرمز البريدي
country|Country|Land|Pays|País|Kraj|Страна|Χώρα|الدولة
message|Message|Nachricht|Message|Mensaje|Wiadomość|Сообщение|Μήνυμα|الرسالة
remember_me|Remember me|Angemeldet bleiben|Se souvenir de moi|Recordarme|Zapamiętaj mnie|Запомнить меня|Να με θυμάσαι|تذكرني
agree_terms|I agree to the terms and privacy policy|Ich akzeptiere die AGB und die Datenschutzerklärung|J'accepte les conditions et la politique de confidentialité|Acepto los términos y la política de privacidad|Akceptuję regulamin i politykę prywatności|Я принимаю условия и политику конфиденциальности|Αποδέχομαι τους όρους και την πολιτική απορρήτου|أوافق على الشروط وسياسة الخصوصية
newsletter_opt|Send me product updates|Produktneuigkeiten per E-Mail erhalten|Recevoir les nouveautés|Quiero recibir novedades|Wysyłaj mi nowości|Присылать новости продукта|Στείλτε μου ενημερώσεις|أرسل لي تحديثات المنتج
forgot|Forgot password?|Passwort vergessen?|Mot de passe oublié ?|¿Olvidaste tu contraseña?|Nie pamiętasz hasła?|Забыли пароль?|Ξεχάσατε τον κωδικό;|نسيت كلمة المرور؟
status|Status|Status|Statut|Estado|Status|Статус|Κατάσταση|الحالة
date|Date|Datum|Date|Fecha|Data|Дата|Ημερομηνία|التاريخ
amount|Amount|Betrag|Montant|Importe|Kwota|Сумма|Ποσό|المبلغ
customer|Customer|Kunde|Client|Cliente|Klient|Клиент|Πελάτης|العميل
order|Order|Bestellung|Commande|Pedido|Zamówienie|Заказ|Παραγγελία|الطلب
total|Total|Gesamt|Total|Total|Razem|Итого|Σύνολο|الإجمالي
subtotal|Subtotal|Zwischensumme|Sous-total|Subtotal|Suma częściowa|Промежуточный итог|Μερικό σύνολο|المجموع الفرعي
shipping|Shipping|Versand|Livraison|Envío|Dostawa|Доставка|Αποστολή|الشحن
tax|Tax|MwSt.|TVA|IVA|VAT|НДС|ΦΠΑ|الضريبة
actions|Actions|Aktionen|Actions|Acciones|Akcje|Действия|Ενέργειες|الإجراءات
active|Active|Aktiv|Actif|Activo|Aktywny|Активен|Ενεργό|نشط
pending|Pending|Ausstehend|En attente|Pendiente|Oczekuje|Ожидает|Σε εκκρεμότητα|قيد الانتظار
failed|Failed|Fehlgeschlagen|Échoué|Fallido|Nieudane|Ошибка|Απέτυχε|فشل
paid|Paid|Bezahlt|Payé|Pagado|Opłacone|Оплачен|Πληρώθηκε|مدفوع
draft|Draft|Entwurf|Brouillon|Borrador|Szkic|Черновик|Πρόχειρο|مسودة
dashboard|Dashboard|Übersicht|Tableau de bord|Panel|Pulpit|Панель управления|Πίνακας ελέγχου|لوحة التحكم
settings|Settings|Einstellungen|Paramètres|Ajustes|Ustawienia|Настройки|Ρυθμίσεις|الإعدادات
profile|Profile|Profil|Profil|Perfil|Profil|Профиль|Προφίλ|الملف الشخصي
notifications|Notifications|Benachrichtigungen|Notifications|Notificaciones|Powiadomienia|Уведомления|Ειδοποιήσεις|الإشعارات
account|Account|Konto|Compte|Cuenta|Konto|Аккаунт|Λογαριασμός|الحساب
security|Security|Sicherheit|Sécurité|Seguridad|Bezpieczeństwo|Безопасность|Ασφάλεια|الأمان
billing|Billing|Abrechnung|Facturation|Facturación|Płatności|Оплата|Χρέωση|الفوترة
team|Team|Team|Équipe|Equipo|Zespół|Команда|Ομάδα|الفريق
overview|Overview|Überblick|Aperçu|Resumen|Przegląd|Обзор|Επισκόπηση|نظرة عامة
reports|Reports|Berichte|Rapports|Informes|Raporty|Отчёты|Αναφορές|التقارير
analytics|Analytics|Analysen|Statistiques|Analítica|Analityka|Аналитика|Αναλυτικά|التحليلات
messages|Messages|Nachrichten|Messages|Mensajes|Wiadomości|Сообщения|Μηνύματα|الرسائل
orders|Orders|Bestellungen|Commandes|Pedidos|Zamówienia|Заказы|Παραγγελίες|الطلبات
revenue|Revenue|Umsatz|Chiffre d'affaires|Ingresos|Przychód|Выручка|Έσοδα|الإيرادات
users|Users|Benutzer|Utilisateurs|Usuarios|Użytkownicy|Пользователи|Χρήστες|المستخدمون
in_stock|In stock|Auf Lager|En stock|En stock|Dostępny|В наличии|Διαθέσιμο|متوفر
out_of_stock|Out of stock|Nicht vorrätig|Rupture de stock|Agotado|Niedostępny|Нет в наличии|Εξαντλήθηκε|غير متوفر
sale|Sale|Angebot|Promo|Oferta|Promocja|Скидка|Προσφορά|تخفيض
new|New|Neu|Nouveau|Nuevo|Nowość|Новинка|Νέο|جديد
popular|Most popular|Am beliebtesten|Le plus populaire|Más popular|Najpopularniejszy|Популярный|Δημοφιλέστερο|الأكثر شيوعًا
per_month|/ month|/ Monat|/ mois|/ mes|/ mies.|/ мес.|/ μήνα|/ شهريًا
monthly|Monthly|Monatlich|Mensuel|Mensual|Miesięcznie|Ежемесячно|Μηνιαία|شهري
yearly|Yearly|Jährlich|Annuel|Anual|Rocznie|Ежегодно|Ετήσια|سنوي
reviews|Reviews|Bewertungen|Avis|Opiniones|Opinie|Отзывы|Κριτικές|المراجعات
description|Description|Beschreibung|Description|Descripción|Opis|Описание|Περιγραφή|الوصف
specifications|Specifications|Technische Daten|Caractéristiques|Especificaciones|Specyfikacja|Характеристики|Προδιαγραφές|المواصفات
related|You may also like|Das könnte dir auch gefallen|Vous aimerez aussi|También te puede gustar|Może Ci się spodobać|Вам может понравиться|Μπορεί επίσης να σας αρέσει|قد يعجبك أيضًا
on_this_page|On this page|Auf dieser Seite|Sur cette page|En esta página|Na tej stronie|На этой странице|Σε αυτή τη σελίδα|في هذه الصفحة
followers|Followers|Follower|Abonnés|Seguidores|Obserwujący|Подписчики|Ακόλουθοι|المتابعون
following|Following|Folgt|Abonnements|Siguiendo|Obserwowani|Подписки|Ακολουθεί|يتابع
posts|Posts|Beiträge|Publications|Publicaciones|Posty|Публикации|Δημοσιεύσεις|المنشورات
follow|Follow|Folgen|Suivre|Seguir|Obserwuj|Подписаться|Ακολούθησε|متابعة
edit_profile|Edit profile|Profil bearbeiten|Modifier le profil|Editar perfil|Edytuj profil|Редактировать профиль|Επεξεργασία προφίλ|تعديل الملف الشخصي
danger_zone|Danger zone|Gefahrenbereich|Zone de danger|Zona de peligro|Strefa niebezpieczna|Опасная зона|Επικίνδυνη ζώνη|منطقة الخطر
delete_account|Delete account|Konto löschen|Supprimer le compte|Eliminar cuenta|Usuń konto|Удалить аккаунт|Διαγραφή λογαριασμού|حذف الحساب
privacy|Privacy|Datenschutz|Confidentialité|Privacidad|Prywatność|Конфиденциальность|Απόρρητο|الخصوصية
terms|Terms|AGB|Conditions|Términos|Regulamin|Условия|Όροι|الشروط
imprint|Imprint|Impressum|Mentions légales|Aviso legal|Nota prawna|Реквизиты|Νομικές πληροφορίες|بيانات قانونية
rights|All rights reserved.|Alle Rechte vorbehalten.|Tous droits réservés.|Todos los derechos reservados.|Wszelkie prawa zastrzeżone.|Все права защищены.|Με επιφύλαξη παντός δικαιώματος.|جميع الحقوق محفوظة.
language|Language|Sprache|Langue|Idioma|Język|Язык|Γλώσσα|اللغة
appearance|Appearance|Darstellung|Apparence|Apariencia|Wygląd|Оформление|Εμφάνιση|المظهر
dark_mode|Dark mode|Dunkelmodus|Mode sombre|Modo oscuro|Tryb ciemny|Тёмная тема|Σκοτεινή λειτουργία|الوضع الداكن
cookie_text|We use cookies to improve your experience.|Wir verwenden Cookies, um Ihr Erlebnis zu verbessern.|Nous utilisons des cookies pour améliorer votre expérience.|Usamos cookies para mejorar tu experiencia.|Używamy plików cookie, aby ulepszyć działanie serwisu.|Мы используем cookie, чтобы сайт работал лучше.|Χρησιμοποιούμε cookies για καλύτερη εμπειρία.|نستخدم ملفات تعريف الارتباط لتحسين تجربتك.
accept|Accept|Akzeptieren|Accepter|Aceptar|Akceptuję|Принять|Αποδοχή|قبول
newsletter|Stay in the loop|Newsletter abonnieren|Restez informé|Mantente al día|Bądź na bieżąco|Будьте в курсе|Μείνετε ενημερωμένοι|ابقَ على اطلاع
faq|Frequently asked questions|Häufig gestellte Fragen|Questions fréquentes|Preguntas frecuentes|Najczęściej zadawane pytania|Частые вопросы|Συχνές ερωτήσεις|الأسئلة الشائعة
free|Free|Kostenlos|Gratuit|Gratis|Darmowy|Бесплатно|Δωρεάν|مجاني
starter|Starter|Starter|Essentiel|Básico|Start|Базовый|Βασικό|المبتدئ
pro|Pro|Pro|Pro|Pro|Pro|Про|Pro|الاحترافي
business|Business|Business|Entreprise|Empresas|Biznes|Бизнес|Επιχειρήσεις|الأعمال
enterprise|Enterprise|Enterprise|Grands comptes|Corporativo|Enterprise|Корпоративный|Εταιρικό|المؤسسات
compare_plans|Compare plans|Tarife vergleichen|Comparer les offres|Comparar planes|Porównaj plany|Сравнить тарифы|Σύγκριση πακέτων|قارن الخطط
quantity|Quantity|Menge|Quantité|Cantidad|Ilość|Количество|Ποσότητα|الكمية
size|Size|Größe|Taille|Talla|Rozmiar|Размер|Μέγεθος|المقاس
color|Colour|Farbe|Couleur|Color|Kolor|Цвет|Χρώμα|اللون
price|Price|Preis|Prix|Precio|Cena|Цена|Τιμή|السعر
category|Category|Kategorie|Catégorie|Categoría|Kategoria|Категория|Κατηγορία|الفئة
brand|Brand|Marke|Marque|Marca|Marka|Бренд|Μάρκα|العلامة التجارية
rating|Rating|Bewertung|Note|Valoración|Ocena|Рейтинг|Βαθμολογία|التقييم
results|results|Ergebnisse|résultats|resultados|wyników|результатов|αποτελέσματα|نتيجة
free_shipping|Free shipping over|Kostenloser Versand ab|Livraison offerte dès|Envío gratis desde|Darmowa dostawa od|Бесплатная доставка от|Δωρεάν αποστολή άνω των|شحن مجاني للطلبات فوق
min_read|min read|Min. Lesezeit|min de lecture|min de lectura|min czytania|мин чтения|λεπτά ανάγνωσης|دقائق للقراءة
written_by|Written by|Von|Par|Por|Autor:|Автор:|Από|بقلم
tags|Tags|Schlagwörter|Étiquettes|Etiquetas|Tagi|Теги|Ετικέτες|الوسوم
categories|Categories|Kategorien|Catégories|Categorías|Kategorie|Категории|Κατηγορίες|التصنيفات
recent_activity|Recent activity|Letzte Aktivitäten|Activité récente|Actividad reciente|Ostatnia aktywność|Последние действия|Πρόσφατη δραστηριότητα|النشاط الأخير
export|Export|Exportieren|Exporter|Exportar|Eksportuj|Экспорт|Εξαγωγή|تصدير
new_item|New|Neu|Nouveau|Nuevo|Nowy|Создать|Νέο|جديد
all|All|Alle|Tous|Todos|Wszystkie|Все|Όλα|الكل
showing|Showing|Zeige|Affichage|Mostrando|Wyświetlanie|Показано|Εμφάνιση|عرض
of|of|von|sur|de|z|из|από|من
welcome_back|Welcome back|Willkommen zurück|Bon retour|Bienvenido de nuevo|Witaj ponownie|С возвращением|Καλώς ήρθατε ξανά|مرحبًا بعودتك
create_account|Create your account|Konto erstellen|Créer votre compte|Crea tu cuenta|Utwórz konto|Создайте аккаунт|Δημιουργήστε λογαριασμό|أنشئ حسابك
or|or|oder|ou|o|lub|или|ή|أو
required|Required|Pflichtfeld|Obligatoire|Obligatorio|Wymagane|Обязательно|Υποχρεωτικό|مطلوب
invalid_email|Please enter a valid email address.|Bitte gib eine gültige E-Mail-Adresse ein.|Veuillez saisir une adresse e-mail valide.|Introduce un correo electrónico válido.|Podaj prawidłowy adres e-mail.|Введите корректный адрес почты.|Εισαγάγετε ένα έγκυρο email.|يرجى إدخال بريد إلكتروني صالح.
saved_ok|Your changes have been saved.|Deine Änderungen wurden gespeichert.|Vos modifications ont été enregistrées.|Tus cambios se han guardado.|Zmiany zostały zapisane.|Изменения сохранены.|Οι αλλαγές αποθηκεύτηκαν.|تم حفظ التغييرات.
warning_text|Your trial ends in 3 days.|Deine Testphase endet in 3 Tagen.|Votre essai se termine dans 3 jours.|Tu prueba termina en 3 días.|Twój okres próbny kończy się za 3 dni.|Пробный период закончится через 3 дня.|Η δοκιμή σας λήγει σε 3 ημέρες.|تنتهي فترتك التجريبية خلال 3 أيام.
version|Version|Version|Version|Versión|Wersja|Версия|Έκδοση|الإصدار
parameter|Parameter|Parameter|Paramètre|Parámetro|Parametr|Параметр|Παράμετρος|المعامل
type|Type|Typ|Type|Tipo|Typ|Тип|Τύπος|النوع
default|Default|Standard|Par défaut|Predeterminado|Domyślnie|По умолчанию|Προεπιλογή|الافتراضي
note|Note|Hinweis|Remarque|Nota|Uwaga|Примечание|Σημείωση|ملاحظة
joined|Joined|Dabei seit|Membre depuis|Se unió en|Dołączył(a)|С нами с|Μέλος από|انضم في
location|Location|Standort|Lieu|Ubicación|Lokalizacja|Местоположение|Τοποθεσία|الموقع
website|Website|Webseite|Site web|Sitio web|Strona|Сайт|Ιστότοπος|الموقع الإلكتروني
about_me|About|Über mich|À propos|Sobre mí|O mnie|О себе|Σχετικά με εμένα|نبذة
enable|Enable|Aktivieren|Activer|Activar|Włącz|Включить|Ενεργοποίηση|تفعيل
two_factor|Two-factor authentication|Zwei-Faktor-Authentifizierung|Authentification à deux facteurs|Autenticación en dos pasos|Uwierzytelnianie dwuskładnikowe|Двухфакторная аутентификация|Έλεγχος ταυτότητας δύο παραγόντων|المصادقة الثنائية
timezone|Time zone|Zeitzone|Fuseau horaire|Zona horaria|Strefa czasowa|Часовой пояс|Ζώνη ώρας|المنطقة الزمنية
email_notif|Email notifications|E-Mail-Benachrichtigungen|Notifications par e-mail|Notificaciones por correo|Powiadomienia e-mail|Уведомления по почте|Ειδοποιήσεις email|إشعارات البريد
push_notif|Push notifications|Push-Benachrichtigungen|Notifications push|Notificaciones push|Powiadomienia push|Push-уведомления|Ειδοποιήσεις push|الإشعارات الفورية
weekly_digest|Weekly digest|Wöchentliche Zusammenfassung|Résumé hebdomadaire|Resumen semanal|Podsumowanie tygodnia|Еженедельная сводка|Εβδομαδιαία σύνοψη|الملخص الأسبوعي
this_month|This month|Diesen Monat|Ce mois-ci|Este mes|W tym miesiącu|В этом месяце|Αυτόν τον μήνα|هذا الشهر
vs_last|vs last month|ggü. Vormonat|vs mois dernier|vs mes anterior|vs poprzedni miesiąc|к прошлому месяцу|σε σχέση με τον προηγούμενο μήνα|مقارنة بالشهر الماضي
conversion|Conversion rate|Konversionsrate|Taux de conversion|Tasa de conversión|Współczynnik konwersji|Конверсия|Ποσοστό μετατροπής|معدل التحويل
sessions|Sessions|Sitzungen|Sessions|Sesiones|Sesje|Сеансы|Συνεδρίες|الجلسات
invoice|Invoice|Rechnung|Facture|Factura|Faktura|Счёт|Τιμολόγιο|الفاتورة
plan|Plan|Tarif|Offre|Plan|Plan|Тариф|Πακέτο|الخطة
trusted_by|Trusted by teams at|Vertraut von Teams bei|Ils nous font confiance|Con la confianza de equipos de|Zaufali nam|Нам доверяют команды|Μας εμπιστεύονται ομάδες από|تثق بنا فرق من
testimonials|What our customers say|Was unsere Kunden sagen|Ce que disent nos clients|Lo que dicen nuestros clientes|Co mówią nasi klienci|Что говорят наши клиенты|Τι λένε οι πελάτες μας|ماذا يقول عملاؤنا
page|Page|Seite|Page|Página|Strona|Страница|Σελίδα|صفحة
close|Close|Schließen|Fermer|Cerrar|Zamknij|Закрыть|Κλείσιμο|إغلاق
members|Members|Mitglieder|Membres|Miembros|Członkowie|Участники|Μέλη|الأعضاء
invite|Invite|Einladen|Inviter|Invitar|Zaproś|Пригласить|Πρόσκληση|دعوة
views|views|Aufrufe|vues|visitas|wyświetleń|просмотров|προβολές|مشاهدة
comments|Comments|Kommentare|Commentaires|Comentarios|Komentarze|Комментарии|Σχόλια|التعليقات
share|Share|Teilen|Partager|Compartir|Udostępnij|Поделиться|Κοινοποίηση|مشاركة
updated|Updated|Aktualisiert|Mis à jour|Actualizado|Zaktualizowano|Обновлено|Ενημερώθηκε|تم التحديث
"""


def _parse_ui(table: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {lang: {} for lang in _UI_LANGS}
    for line in table.strip().splitlines():
        key, *values = line.split("|")
        if len(values) != len(_UI_LANGS):
            raise ValueError(f"UI string {key!r} has {len(values)} translations, expected {len(_UI_LANGS)}")
        for lang, value in zip(_UI_LANGS, values, strict=True):
            out[lang][key] = value
    return out


UI: dict[str, dict[str, str]] = _parse_ui(_UI_TABLE)

#: Word pools: real words of each language, common ones listed more than once in effect by
#: being short; long words are rarer.
WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple("""the of and to in is for with on that this your our we you can more from team data
new work time build every make simple fast secure cloud product design people help customers growth
platform project report better easy start world way open modern tools support update share launch plan
track manage create connect service experience quality future small business global local market
insight workflow system feature content online mobile personal private public price value power light
clear smart ready great best first next ideas stories guide learn review today week year month store
order delivery payment account message network community partner brand quickly together without always
never often really also still just only about across around between through during before after under
over into reliable automation collaboration infrastructure visibility performance analytics integration
onboarding everything everyone nothing something whether because although however""".split()),
    "de": tuple("""der die das und in zu den mit von für ist nicht auf ein eine dem sich auch es an
werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur
oder aber vor zur bis mehr durch man sein wurde sei Jahr Zeit Team Daten Arbeit Kunden Leistung Angebot
Sicherheit schnell einfach neu modern digital Projekt Lösung Unternehmen Entwicklung Zukunft Qualität
Erfahrung Bericht Ergebnis Produkt Plattform Werkzeug Markt Woche Monat heute morgen immer wieder jeder
gemeinsam zuverlässig übersichtlich Softwareentwicklung Kundenzufriedenheit Benutzeroberfläche
Rechnungsstellung Lieferkettenmanagement Arbeitsplatzgestaltung Datenschutzgrundverordnung
Weiterbildungsmöglichkeiten Geschäftsführung Verfügbarkeit Zusammenarbeit Überblick größer Straße
Größe Übersicht ändern können müssen würden""".split()),
    "fr": tuple("""le la les de des du un une et à en est pour que qui dans sur avec pas plus par ce
cette nous vous notre votre leur être avoir faire tout tous aussi bien très sans sous entre après avant
depuis chaque équipe données travail clients service sécurité rapide simple nouveau nouvelle moderne
projet solution entreprise développement avenir qualité expérience rapport résultat produit plateforme
outil marché semaine mois année aujourd'hui toujours ensemble fiable efficace réussite améliorer
découvrir commencer gérer créer partager collaborer également cependant l'équipe d'abord n'importe
fonctionnalités accessibilité personnalisation responsabilité internationalisation à côté où été
déjà être élève""".split()),
    "es": tuple("""el la los las de del y a en que es por para con no una un su al lo como más pero
sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo
nos durante todos uno les ni contra otros equipo datos trabajo clientes servicio seguridad rápido
sencillo nuevo nueva moderno proyecto solución empresa desarrollo futuro calidad experiencia informe
resultado producto plataforma herramienta mercado semana mes año hoy siempre juntos fiable eficiente
mejorar descubrir empezar gestionar crear compartir colaborar además sin embargo información
configuración responsabilidad internacionalización aplicación teléfono dirección niño año""".split()),
    "pl": tuple("""i w na z do nie się jest to że o jak ale po co tak za od dla przez czy przy już
tylko jego jej ich nasz wasz który która które być mieć może można bardzo więcej także zespół dane praca
klienci usługa bezpieczeństwo szybko prosty nowy nowa nowoczesny projekt rozwiązanie firma rozwój
przyszłość jakość doświadczenie raport wynik produkt platforma narzędzie rynek tydzień miesiąc rok
dzisiaj zawsze razem niezawodny skuteczny poprawić odkryć zacząć zarządzać tworzyć udostępnić
współpraca również jednak informacja konfiguracja odpowiedzialność możliwości użytkownik
zażółć gęślą jaźń łódź źródło świadczenie Konstantynopolitańczykowianeczka""".split()),
    "ru": tuple("""и в не на я что он с как а то все она так его но да ты к у же вы за бы по только
ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до
вас нибудь опять уж вам ведь там потом себя команда данные работа клиенты сервис безопасность быстро
просто новый новая современный проект решение компания развитие будущее качество опыт отчёт результат
продукт платформа инструмент рынок неделя месяц год сегодня всегда вместе надёжный эффективный
улучшить открыть начать управлять создавать делиться сотрудничество также однако информация
настройка ответственность достопримечательности человеконенавистничество""".split()),
    "el": tuple("""και το η ο να του τα της σε με για που τη την στο στην από ένα μια είναι δεν θα
ως τον των ότι αλλά ή όπως όταν αυτό αυτή πιο μας σας τους μόνο ομάδα δεδομένα εργασία πελάτες
υπηρεσία ασφάλεια γρήγορα απλό νέο νέα σύγχρονο έργο λύση εταιρεία ανάπτυξη μέλλον ποιότητα εμπειρία
αναφορά αποτέλεσμα προϊόν πλατφόρμα εργαλείο αγορά εβδομάδα μήνας χρόνος σήμερα πάντα μαζί αξιόπιστο
αποτελεσματικό βελτίωση ανακάλυψη αρχή διαχείριση δημιουργία κοινοποίηση συνεργασία επίσης όμως
πληροφορίες ρυθμίσεις υπευθυνότητα αντιπροσωπευτικότητα ηλεκτρονικός ταχυδρομείο""".split()),
    "ar": tuple("""في من على إلى أن هذا التي الذي مع عن كان هذه كل بين لا ما هو هي قد بعد أو حتى
عند لم كما ذلك نحن أنت فريق البيانات العمل العملاء الخدمة الأمان سريع بسيط جديد جديدة حديث مشروع
حل شركة التطوير المستقبل الجودة تجربة تقرير نتيجة منتج منصة أداة السوق أسبوع شهر سنة اليوم دائما معا
موثوق فعال تحسين اكتشاف البداية إدارة إنشاء مشاركة التعاون أيضا لكن معلومات الإعدادات المسؤولية
والاستراتيجيات بالمستخدمين الإلكترونية""".split()),
}

#: First and last names per language.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Harper", "Grace", "Owen"),
           ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Anderson", "Thompson", "Clarke", "Walker", "Hughes")),
    "de": (("Lukas", "Anna", "Maximilian", "Sophie", "Felix", "Marie", "Jonas", "Lea", "Jürgen", "Käthe", "Leonhard"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Hoffmann-Brünninghaus")),
    "fr": (("Louis", "Chloé", "Gabriel", "Léa", "Jules", "Manon", "Hugo", "Camille", "Élodie", "Théo", "François"),
           ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre", "Moreau")),
    "es": (("Hugo", "Lucía", "Mateo", "Sofía", "Martín", "Valeria", "Pablo", "Paula", "Álvaro", "Inés"),
           ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Núñez")),
    "pl": (("Jakub", "Zuzanna", "Antoni", "Julia", "Jan", "Zofia", "Szymon", "Małgorzata", "Łukasz", "Wiktoria"),
           ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak")),
    "ru": (("Александр", "Анна", "Дмитрий", "Мария", "Сергей", "Елена", "Иван", "Ольга", "Михаил", "Наталья"),
           ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров")),
    "el": (("Γιώργος", "Μαρία", "Δημήτρης", "Ελένη", "Νίκος", "Κατερίνα", "Κώστας", "Σοφία", "Γιάννης", "Αναστασία"),
           ("Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Παπαδάκης", "Βασιλείου", "Κωνσταντίνου", "Ιωάννου")),
    "ar": (("محمد", "فاطمة", "أحمد", "مريم", "علي", "نور", "يوسف", "سارة", "عمر", "ليلى"),
           ("العلي", "الحسن", "المصري", "الخطيب", "حداد", "منصور", "الشامي", "النجار", "سليمان", "عبد الله")),
}

#: Latin transliterations used for e-mail addresses and user handles.
HANDLES = ("anna", "j.smith", "m.nowak", "lukas.mueller", "sofia", "dmitry", "elena.p", "yusuf", "camille",
           "kostas", "admin", "team", "hello", "billing", "support")

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"),
    "el": ("Ιανουαρίου", "Φεβρουαρίου", "Μαρτίου", "Απριλίου", "Μαΐου", "Ιουνίου", "Ιουλίου", "Αυγούστου", "Σεπτεμβρίου", "Οκτωβρίου", "Νοεμβρίου", "Δεκεμβρίου"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
}

CITIES: dict[str, tuple[str, ...]] = {
    "en": ("London", "New York", "Toronto", "Sydney", "Dublin", "Austin"),
    "de": ("Berlin", "München", "Köln", "Düsseldorf", "Zürich", "Wien"),
    "fr": ("Paris", "Lyon", "Montréal", "Bruxelles", "Genève", "Saint-Étienne"),
    "es": ("Madrid", "Barcelona", "Sevilla", "Valencia", "Bogotá", "México"),
    "pl": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań"),
    "ru": ("Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург"),
    "el": ("Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα"),
    "ar": ("القاهرة", "الرياض", "دبي", "عمّان", "الدار البيضاء", "بيروت"),
}


@dataclass(frozen=True)
class NumberFormat:
    """How a locale writes numbers and money."""

    group: str  # thousands separator
    decimal: str
    currency: str
    currency_after: bool  # "12,50 €" rather than "$12.50"


NUMBER_FORMATS: dict[str, NumberFormat] = {
    "en": NumberFormat(",", ".", "$", False),
    "de": NumberFormat(".", ",", "€", True),
    "fr": NumberFormat("\u202f", ",", "€", True),
    "es": NumberFormat(".", ",", "€", True),
    "pl": NumberFormat("\u00a0", ",", "zł", True),
    "ru": NumberFormat("\u00a0", ",", "₽", True),
    "el": NumberFormat(".", ",", "€", True),
    "ar": NumberFormat(",", ".", "ر.س", True),
}

#: Very long unbreakable strings: compounds, addresses, identifiers.
LONG_TOKENS: tuple[str, ...] = (
    "Donaudampfschifffahrtsgesellschaftskapitänskajüte",
    "Rechtsschutzversicherungsgesellschaften",
    "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung",
    "anticonstitutionnellement",
    "lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas",
    "www.example-international-holdings.com/products/category/subcategory/item-1234567890",
    "firstname.lastname+newsletter@subdomain.department.example.org",
    "3f2a9c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291",
    "/var/lib/layoutcheck/cache/2024-11-28T22:03:17Z/snapshot.tar.gz",
    "SUPERCALIFRAGILISTICEXPIALIDOCIOUS",
    "достопримечательностями",
    "αντιπροσωπευτικότητα",
    "IBAN DE89370400440532013000",
)

#: Short identifiers shown in code blocks and tables.
CODE_NAMES = ("config", "client", "session", "render", "payload", "timeout", "retries", "user_id",
              "createdAt", "api_key", "region", "limit", "offset", "callback", "format", "locale")
